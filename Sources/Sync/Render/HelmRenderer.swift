import Foundation
import Kube

/// Renders a Helm chart with Helm itself (`HelmLibrary`), passing the Application's `releaseName`,
/// `valueFiles`, `values`/`valuesObject` and `parameters` as `helm template` would. A value file written
/// `$name/path` comes from the `spec.sources` entry with `ref: name` (Argo CD's multi-source form);
/// `ignoreMissingValueFiles: true` skips value files that do not exist. Helm test hooks are left out, as
/// Argo CD leaves them out.
struct HelmRenderer {
    var options: JSON?
    var appName: String
    var namespace: String?
    /// Files of the referenced sources, by `ref` name, at their resolved commits.
    var references: [String: [String: [UInt8]]] = [:]

    /// Renders the chart at the tree's root (a chart kept in Git).
    func render(_ tree: SourceTree) throws(RenderError) -> [KubeObject] {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("capstan-helm-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }  // a leftover temporary folder is harmless
        let files = tree.list(tree.root, recurse: true).map {
            ($0, tree.file(tree.root.isEmpty ? $0 : tree.root + "/" + $0) ?? [])
        }
        try StagedFiles.write(files, under: work, what: "the chart")
        do {
            let chart = try HelmChart.load(path: work.path)
            let lookup = Dictionary(files, uniquingKeysWith: { first, _ in first })
            return try render(chart, chartFile: { lookup[$0] })
        } catch let error as HelmError {
            throw RenderError(error.message)
        } catch {
            throw RenderError("\(error)")
        }
    }

    /// Renders a loaded chart; `chartFile` reads a value file relative to the chart.
    func render(_ chart: HelmChart, chartFile: (String) -> [UInt8]?) throws(RenderError) -> [KubeObject] {
        let values = try values(chartFile: chartFile)
        let manifests: [(String, String)]
        do {
            manifests = try chart.render(
                values: values.json, releaseName: options?["releaseName"]?.stringValue ?? appName,
                namespace: namespace)
        } catch { throw RenderError(error.message) }
        var objects: [KubeObject] = []
        for (file, text) in manifests {
            objects += try ManifestParser.objects(in: Array(text.utf8), file: file).filter { !Self.isTestHook($0) }
        }
        return objects
    }

    /// `helm.sh/hook: test` (and the old `test-success`/`test-failure`): run by `helm test` only.
    static func isTestHook(_ object: KubeObject) -> Bool {
        guard let hooks = object.annotations["helm.sh/hook"] else { return false }
        let names = hooks.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return !names.isEmpty && names.allSatisfy { $0.hasPrefix("test") }
    }

    /// Value files in order, then `values` or `valuesObject`, then `parameters`.
    func values(chartFile: (String) -> [UInt8]?) throws(RenderError) -> HelmValues {
        var values = HelmValues()
        let ignoreMissing = options?["ignoreMissingValueFiles"]?.boolValue ?? false
        for file in options?["valueFiles"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            guard let content = try valueFile(file, chartFile: chartFile) else {
                if ignoreMissing { continue }
                throw RenderError("value file '\(file)' does not exist (set helm.ignoreMissingValueFiles to skip it)")
            }
            values.add(try parse(content, file))
        }
        if let object = options?["valuesObject"], object != .null {
            values.add(object)
        } else if let text = options?["values"]?.stringValue, !text.isEmpty {
            values.add(try parse(Array(text.utf8), "helm.values"))
        }
        for parameter in options?["parameters"]?.arrayValue ?? [] {
            guard let name = parameter["name"]?.stringValue else { continue }
            do {
                try values.addParameter(
                    name: name, value: parameter["value"]?.stringValue ?? "",
                    forceString: parameter["forceString"]?.boolValue == true)
            } catch { throw RenderError(error.message) }
        }
        return values
    }

    private func parse(_ content: [UInt8], _ file: String) throws(RenderError) -> JSON {
        do {
            let value = try YAML.parse(String(decoding: content, as: UTF8.self))
            return value == .null ? .object([:]) : value
        } catch { throw RenderError("value file '\(file)': \(error)") }
    }

    /// The content of a value file, nil when it does not exist. `$name/path` comes from the source with
    /// `ref: name`; anything else is relative to the chart. Remote value files are refused.
    private func valueFile(_ file: String, chartFile: (String) -> [UInt8]?) throws(RenderError) -> [UInt8]? {
        if file.contains("://") {
            throw RenderError("value file '\(file)' is remote; Capstan reads value files from Git or the chart only")
        }
        guard file.hasPrefix("$") else { return chartFile(SourceTree.normalize(file)) }
        let name = String(file.dropFirst().prefix { $0 != "/" })
        let relative = String(file.dropFirst(name.count + 1).drop { $0 == "/" })
        guard let files = references[name] else {
            throw RenderError(
                "value file '\(file)' refers to source ref '\(name)', but no entry of spec.sources has ref: \(name)")
        }
        return files[relative]
    }
}
