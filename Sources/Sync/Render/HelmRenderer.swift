import Foundation
import Kube

/// Renders a chart in the repository with an installed `helm` binary (`helm template`), passing the
/// Application's `releaseName`, `valueFiles`, `values`/`valuesObject` and `parameters`. Without `helm` on the
/// PATH the Application gets a ComparisonError that names the missing tool.
struct HelmRenderer {
    var options: JSON?
    var appName: String
    var namespace: String?

    static func helmBinary() -> String? { ExternalTool.find("helm") }

    func render(_ tree: SourceTree) throws(RenderError) -> [KubeObject] {
        guard let helm = Self.helmBinary() else {
            throw RenderError("this source is a Helm chart, but no 'helm' binary is installed on the controller's PATH")
        }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("capstan-helm-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        do {
            for relative in tree.list(tree.root, recurse: true) {
                let target = work.appendingPathComponent(relative)
                try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(tree.file(tree.root.isEmpty ? relative : tree.root + "/" + relative) ?? []).write(to: target)
            }
        } catch {
            throw RenderError("could not stage the chart: \(error)")
        }
        var arguments = ["template", options?["releaseName"]?.stringValue ?? appName, work.path, "--include-crds"]
        if let namespace { arguments += ["--namespace", namespace] }
        for file in options?["valueFiles"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            arguments += ["--values", work.appendingPathComponent(file).path]
        }
        var inlineValues = options?["values"]?.stringValue
        if let object = options?["valuesObject"], object != .null { inlineValues = YAML.render(object) }
        if let inlineValues, !inlineValues.isEmpty {
            let file = work.appendingPathComponent(".capstan-values.yaml")
            try? inlineValues.write(to: file, atomically: true, encoding: .utf8)
            arguments += ["--values", file.path]
        }
        for parameter in options?["parameters"]?.arrayValue ?? [] {
            guard let name = parameter["name"]?.stringValue else { continue }
            let flag = parameter["forceString"]?.boolValue == true ? "--set-string" : "--set"
            arguments += [flag, "\(name)=\(parameter["value"]?.stringValue ?? "")"]
        }
        let output = try run(helm, arguments)
        return try ManifestParser.objects(in: Array(output.utf8), file: "helm template output")
    }

    private func run(_ executable: String, _ arguments: [String]) throws(RenderError) -> String {
        let output: ExternalTool.Output
        do { output = try ExternalTool.run(executable, arguments) } catch { throw RenderError("could not run helm: \(error)") }
        guard output.status == 0 else {
            throw RenderError("helm template failed: \(output.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return String(decoding: output.stdout, as: UTF8.self)
    }
}
