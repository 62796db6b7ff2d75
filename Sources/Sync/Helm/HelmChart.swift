import Kube

/// A chart loaded into Helm: from a directory or a `.tgz` archive. Freed when released.
final class HelmChart: Sendable {
    let library: HelmLibrary
    let handle: UInt64

    private init(library: HelmLibrary, handle: UInt64) {
        self.library = library
        self.handle = handle
    }

    deinit { library.free(handle, with: "helm_chart_free") }

    /// Loads a chart directory (or archive file) from disk.
    static func load(path: String) throws(HelmError) -> HelmChart {
        let library = try HelmLibrary.shared.get()
        let call = try library.function("helm_chart_load", HelmLibrary.PathToHandle.self)
        let handle = try library.newHandle("loading the chart at \(path)") { handle, error in
            path.withCString { call($0, handle, error) }
        }
        return HelmChart(library: library, handle: handle)
    }

    /// Loads a chart archive held in memory.
    static func load(archive: [UInt8]) throws(HelmError) -> HelmChart {
        let library = try HelmLibrary.shared.get()
        let call = try library.function("helm_chart_load_archive", HelmLibrary.BytesToHandle.self)
        let handle = try library.newHandle("loading the chart archive") { handle, error in
            archive.withUnsafeBufferPointer { call($0.baseAddress, UInt64($0.count), handle, error) }
        }
        return HelmChart(library: library, handle: handle)
    }

    /// `Chart.yaml` as JSON (`name`, `version`, `appVersion`, ...).
    func metadata() throws(HelmError) -> JSON {
        try parse(try handleString("helm_chart_metadata"), "chart metadata")
    }

    /// The chart's files outside `templates/` (value files among them), by path relative to the chart.
    func files() throws(HelmError) -> [String: [UInt8]] {
        let list = try parse(try handleString("helm_chart_files"), "chart files").arrayValue ?? []
        var files: [String: [UInt8]] = [:]
        for file in list {
            guard let name = file["name"]?.stringValue, let data = file["data"]?.stringValue else { continue }
            files[name] = Array(data.utf8)
        }
        return files
    }

    /// Renders the templates offline, as `helm template` does: template path → manifest text. Files that
    /// are not manifests (NOTES.txt, partials) are left out; the `crds/` directory is included first, as with
    /// `--include-crds`.
    func render(values: JSON, releaseName: String, namespace: String?) throws(HelmError) -> [(String, String)] {
        let call = try library.function("helm_render", HelmLibrary.HandleTwoStrings.self)
        var options: [String: JSON] = ["name": .string(releaseName), "is_install": true]
        if let namespace { options["namespace"] = .string(namespace) }
        let output = try library.string("rendering the chart") { out, error in
            values.serialized().withCString { v in
                JSON.object(options).serialized().withCString { o in call(handle, v, o, out, error) }
            }
        }
        let templates = try parse(output, "rendered templates").objectValue ?? [:]
        let crds = try parse(try handleString("helm_chart_crds"), "chart CRDs").arrayValue ?? []
        let crdFiles = crds.compactMap { crd -> (String, String)? in
            guard let name = crd["name"]?.stringValue,
                let data = crd["data"]?.stringValue ?? crd["content"]?.stringValue
            else { return nil }
            return (name, data)
        }
        let manifests = templates.filter { key, _ in
            let file = key.split(separator: "/").last.map(String.init) ?? key
            return (file.hasSuffix(".yaml") || file.hasSuffix(".yml") || file.hasSuffix(".json"))
                && !file.hasPrefix("_")
        }.compactMap { key, value in value.stringValue.map { (key, $0) } }.sorted { $0.0 < $1.0 }
        return crdFiles + manifests
    }

    private func handleString(_ name: String) throws(HelmError) -> String {
        let call = try library.function(name, HelmLibrary.HandleToString.self)
        return try library.string(name) { out, error in call(handle, out, error) }
    }

    private func parse(_ text: String, _ what: String) throws(HelmError) -> JSON {
        do { return try JSON.parse(text) } catch { throw HelmError("helm returned unreadable \(what): \(error)") }
    }
}
