import Kube

/// The kind of source an Application renders from, as `status.sourceType` reports it.
public enum SourceType: String, Sendable {
    case directory = "Directory"
    case kustomize = "Kustomize"
    case helm = "Helm"
}

/// Turns an Application source at one commit into the desired objects.
public struct Renderer: Sendable {
    public init() {}

    /// Renders `source` from `tree` (whose root is the source's path). Chooses the tool as Argo CD does:
    /// an explicit `helm`/`kustomize`/`directory` block, else Chart.yaml → Helm, a kustomization → Kustomize,
    /// else a plain directory. Objects without a namespace get `destinationNamespace` later, at apply time.
    /// `references` holds the files of `spec.sources` entries with a `ref`, by name, for `$name/...` value files.
    public func render(
        _ source: ApplicationSource, tree: SourceTree, appName: String, destinationNamespace: String?,
        references: [String: [String: [UInt8]]] = [:]
    ) throws(RenderError) -> (type: SourceType, objects: [KubeObject]) {
        guard tree.root.isEmpty || tree.isDirectory(tree.root) else {
            throw RenderError("app path '\(tree.root)' does not exist")
        }
        let spec = try SourceOverrides.apply(to: source.json, tree: tree, appName: appName)
        if let plugin = spec["plugin"], plugin != .null {
            let name = plugin["name"]?.stringValue.map { " '\($0)'" } ?? ""
            throw RenderError(
                "source.plugin\(name) is not supported: Capstan runs no config management plugins; "
                    + "render the manifests into Git, or use a directory, Kustomize, Helm or Jsonnet source")
        }
        let type = detect(spec, tree: tree)
        switch type {
        case .helm:
            return (
                type,
                try HelmRenderer(
                    options: spec["helm"], appName: appName, namespace: destinationNamespace,
                    references: references
                ).render(tree)
            )
        case .kustomize:
            return (type, try KustomizeRenderer(overrides: spec["kustomize"]).render(tree))
        case .directory:
            return (type, try DirectoryRenderer(options: spec["directory"]).render(tree))
        }
    }

    func detect(_ spec: JSON, tree: SourceTree) -> SourceType {
        if spec["helm"] != nil && spec["helm"] != .null { return .helm }
        if spec["kustomize"] != nil && spec["kustomize"] != .null { return .kustomize }
        if spec["directory"] != nil && spec["directory"] != .null { return .directory }
        if tree.file(tree.root.isEmpty ? "Chart.yaml" : tree.root + "/Chart.yaml") != nil { return .helm }
        if KustomizeRenderer.kustomizationPath(in: tree, directory: tree.root) != nil { return .kustomize }
        return .directory
    }
}
