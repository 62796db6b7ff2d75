import Kube

/// Renders a plain directory of manifests, honouring `directory.recurse`, `include` and `exclude`
/// (matched against the path relative to the app path; exclude wins).
struct DirectoryRenderer {
    var recurse = false
    var include: Glob?
    var exclude: Glob?

    init(options: JSON?) {
        recurse = options?["recurse"]?.boolValue ?? false
        include = options?["include"]?.stringValue.flatMap { $0.isEmpty ? nil : Glob($0) }
        exclude = options?["exclude"]?.stringValue.flatMap { $0.isEmpty ? nil : Glob($0) }
    }

    func render(_ tree: SourceTree) throws(RenderError) -> [KubeObject] {
        var objects: [KubeObject] = []
        for relative in tree.list(tree.root, recurse: recurse) where ManifestParser.isManifest(relative) {
            let name = relative.split(separator: "/").last.map(String.init) ?? relative
            if name.hasPrefix(".argocd-source") { continue }
            if let include, !include.matches(relative) { continue }
            if let exclude, exclude.matches(relative) { continue }
            let path = tree.root.isEmpty ? relative : tree.root + "/" + relative
            objects += try ManifestParser.objects(in: tree.file(path) ?? [], file: relative)
        }
        return objects
    }
}
