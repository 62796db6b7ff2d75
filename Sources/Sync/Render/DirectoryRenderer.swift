import Kube

/// Renders a plain directory of manifests, honouring `directory.recurse`, `include` and `exclude`
/// (matched against the path relative to the app path; exclude wins).
struct DirectoryRenderer {
    var recurse = false
    var include: Glob?
    var exclude: Glob?
    var options: JSON?

    init(options: JSON?) {
        self.options = options
        recurse = options?["recurse"]?.boolValue ?? false
        include = options?["include"]?.stringValue.flatMap { $0.isEmpty ? nil : Glob($0) }
        exclude = options?["exclude"]?.stringValue.flatMap { $0.isEmpty ? nil : Glob($0) }
    }

    func render(_ tree: SourceTree) throws(RenderError) -> [KubeObject] {
        var objects: [KubeObject] = []
        var jsonnetFiles: [String] = []
        for relative in tree.list(tree.root, recurse: recurse) {
            let name = relative.split(separator: "/").last.map(String.init) ?? relative
            let isJsonnet = relative.hasSuffix(".jsonnet")
            guard ManifestParser.isManifest(relative) || isJsonnet, !name.hasPrefix(".argocd-source") else { continue }
            if let include, !include.matches(relative) { continue }
            if let exclude, exclude.matches(relative) { continue }
            let path = tree.root.isEmpty ? relative : tree.root + "/" + relative
            if isJsonnet {
                jsonnetFiles.append(path)
            } else {
                objects += try ManifestParser.objects(in: tree.file(path) ?? [], file: relative)
            }
        }
        return objects + (try JsonnetRenderer(options: options).render(jsonnetFiles, tree: tree))
    }
}
