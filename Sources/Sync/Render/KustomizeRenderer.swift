import Foundation
import Kube

/// Renders a kustomization with real Kustomize: `kubectl kustomize`, the kustomize v5 built into kubectl
/// 1.27 and later (Capstan needs `kubectl` on the controller's PATH for Kustomize sources, as Argo CD needs
/// its bundled `kustomize`). The whole repository is staged, so bases and components anywhere in it resolve
/// (and kustomize's own load restrictions apply); the Application's `source.kustomize` block is written into
/// the top kustomization first (`KustomizationEdit`). Generators, components, replacements, images and
/// name prefixes with their references come out exactly as `kustomize build` produces them.
struct KustomizeRenderer {
    static let fileNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"]

    /// The Application's `source.kustomize` block.
    var overrides: JSON?
    var timeout = ExternalTool.defaultTimeout

    static func kustomizationPath(in tree: SourceTree, directory: String) -> String? {
        fileNames.map { directory.isEmpty ? $0 : directory + "/" + $0 }.first { tree.file($0) != nil }
    }

    func render(_ tree: SourceTree) throws(RenderError) -> [KubeObject] {
        guard let path = Self.kustomizationPath(in: tree, directory: tree.root) else {
            throw RenderError("no kustomization.yaml in '\(tree.root.isEmpty ? "." : tree.root)'")
        }
        let kubectl = try Self.kustomize()
        var files = tree.files
        if let overrides, overrides != .null {
            let original: JSON
            do { original = try YAML.parse(String(decoding: files[path] ?? [], as: UTF8.self)) } catch {
                throw RenderError("failed to parse \(path): \(error)")
            }
            files[path] = Array(YAML.render(KustomizationEdit.edit(original, with: overrides)).utf8)
        }
        let work = StagedFiles.makeWorkFolder("kustomize")
        defer { try? FileManager.default.removeItem(at: work) }  // a leftover temporary folder is harmless
        try StagedFiles.write(files.map { ($0.key, $0.value) }, under: work, what: "the kustomization")
        let target = tree.root.isEmpty ? work.path : work.appendingPathComponent(tree.root).path
        let output: ExternalTool.Output
        do { output = try ExternalTool.run(kubectl, ["kustomize", target], timeout: timeout) } catch {
            throw RenderError("could not run kustomize: \(error)")
        }
        guard output.status == 0 else {
            let message = output.stderr.replacingOccurrences(of: work.path + "/", with: "")
                .replacingOccurrences(of: work.path, with: ".")
            throw RenderError("kustomize build failed: \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return try ManifestParser.objects(in: Array(output.stdout), file: "kustomize build output")
    }

    /// `kubectl` with kustomize v5 or later, looked up once per process.
    static func kustomize() throws(RenderError) -> String {
        switch kubectlWithKustomize {
        case .success(let path): return path
        case .failure(let error): throw error
        }
    }

    static let kubectlWithKustomize: Result<String, RenderError> = {
        guard let kubectl = ExternalTool.find("kubectl") else {
            return .failure(RenderError("this source is a kustomization, but no 'kubectl' is on the controller's PATH"))
        }
        let version: String
        do {
            let output = try ExternalTool.run(kubectl, ["version", "--client", "-o", "json"], timeout: .seconds(30))
            version = try JSON.parse(Array(output.stdout))["kustomizeVersion"]?.stringValue ?? ""
        } catch {
            return .failure(RenderError("cannot read the kustomize version of \(kubectl): \(error)"))
        }
        guard let major = Int(version.dropFirst().prefix { $0.isNumber }), major >= 5 else {
            return .failure(
                RenderError(
                    "\(kubectl) has kustomize '\(version)'; Kustomize sources need kubectl 1.27 or later (kustomize v5)"
                ))
        }
        return .success(kubectl)
    }()
}
