import Foundation
import Kube

/// Renders a chart in the repository with an installed `helm` binary (`helm template`), passing the
/// Application's `releaseName`, `valueFiles`, `values`/`valuesObject` and `parameters`. A value file written
/// `$name/path` comes from the `spec.sources` entry with `ref: name` (Argo CD's multi-source form);
/// `ignoreMissingValueFiles: true` skips value files that do not exist. Without `helm` on the PATH the
/// Application gets a ComparisonError that names the missing tool.
struct HelmRenderer {
    var options: JSON?
    var appName: String
    var namespace: String?
    /// Files of the referenced sources, by `ref` name, at their resolved commits.
    var references: [String: [String: [UInt8]]] = [:]

    static func helmBinary() -> String? { ExternalTool.find("helm") }

    func render(_ tree: SourceTree) throws(RenderError) -> [KubeObject] {
        guard let helm = Self.helmBinary() else {
            throw RenderError("this source is a Helm chart, but no 'helm' binary is installed on the controller's PATH")
        }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("capstan-helm-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        let arguments = try stage(tree, in: work)
        let output: ExternalTool.Output
        do { output = try ExternalTool.run(helm, arguments) } catch {
            throw RenderError("could not run helm: \(error)")
        }
        guard output.status == 0 else {
            throw RenderError("helm template failed: \(output.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return try ManifestParser.objects(in: Array(output.stdout), file: "helm template output")
    }

    /// Writes the chart (and any referenced value files) under `work` and returns the `helm` arguments.
    func stage(_ tree: SourceTree, in work: URL) throws(RenderError) -> [String] {
        try write(
            tree.list(tree.root, recurse: true).map {
                ($0, tree.file(tree.root.isEmpty ? $0 : tree.root + "/" + $0) ?? [])
            },
            under: work)
        var arguments = ["template", options?["releaseName"]?.stringValue ?? appName, work.path, "--include-crds"]
        if let namespace { arguments += ["--namespace", namespace] }
        let ignoreMissing = options?["ignoreMissingValueFiles"]?.boolValue ?? false
        for file in options?["valueFiles"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            guard let path = try valueFile(file, work: work) else {
                if ignoreMissing { continue }
                throw RenderError("value file '\(file)' does not exist (set helm.ignoreMissingValueFiles to skip it)")
            }
            arguments += ["--values", path]
        }
        var inlineValues = options?["values"]?.stringValue
        if let object = options?["valuesObject"], object != .null { inlineValues = YAML.render(object) }
        if let inlineValues, !inlineValues.isEmpty {
            let file = work.appendingPathComponent(".capstan-values.yaml")
            try write([(file.lastPathComponent, Array(inlineValues.utf8))], under: work)
            arguments += ["--values", file.path]
        }
        for parameter in options?["parameters"]?.arrayValue ?? [] {
            guard let name = parameter["name"]?.stringValue else { continue }
            let flag = parameter["forceString"]?.boolValue == true ? "--set-string" : "--set"
            arguments += [flag, "\(name)=\(parameter["value"]?.stringValue ?? "")"]
        }
        return arguments
    }

    /// The staged path of a value file, nil when it does not exist. `$name/path` is staged from the source
    /// with `ref: name`; anything else is relative to the chart.
    private func valueFile(_ file: String, work: URL) throws(RenderError) -> String? {
        if file.contains("://") { return file }  // a remote value file: helm fetches it
        guard file.hasPrefix("$") else {
            let path = work.appendingPathComponent(file).path
            return FileManager.default.fileExists(atPath: path) ? path : nil
        }
        let name = String(file.dropFirst().prefix { $0 != "/" })
        let relative = String(file.dropFirst(name.count + 1).drop { $0 == "/" })
        guard let files = references[name] else {
            throw RenderError(
                "value file '\(file)' refers to source ref '\(name)', but no entry of spec.sources has ref: \(name)")
        }
        guard let content = files[relative] else { return nil }
        let staged = ".capstan-refs/\(name)/\(relative)"
        try write([(staged, content)], under: work)
        return work.appendingPathComponent(staged).path
    }

    private func write(_ files: [(String, [UInt8])], under work: URL) throws(RenderError) {
        try StagedFiles.write(files, under: work, what: "the chart")
    }
}
