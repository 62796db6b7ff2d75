import Kube

/// Capstan's built-in Kustomize: the subset of `kustomization.yaml` listed in `supported`, applied in
/// kustomize's order (patches, namespace, prefix/suffix, labels, annotations, JSON 6902 patches, replicas,
/// images). Any other field is a RenderError naming it, never silently ignored.
struct KustomizeRenderer {
    static let fileNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"]
    static let supported: Set<String> = [
        "apiVersion", "kind", "metadata", "resources", "bases", "namespace", "namePrefix", "nameSuffix",
        "commonLabels", "labels", "commonAnnotations", "images", "replicas", "patches", "patchesStrategicMerge",
        "patchesJson6902", "buildMetadata", "sortOptions",
    ]

    /// The Application's `source.kustomize` block, applied to the top kustomization as `kustomize edit` would.
    var overrides: JSON?

    static func kustomizationPath(in tree: SourceTree, directory: String) -> String? {
        fileNames.map { directory.isEmpty ? $0 : directory + "/" + $0 }.first { tree.file($0) != nil }
    }

    func render(_ tree: SourceTree) throws(RenderError) -> [KubeObject] {
        var visiting: Set<String> = []
        return try build(tree.root, tree: tree, overrides: overrides, visiting: &visiting)
    }

    private func build(
        _ directory: String, tree: SourceTree, overrides: JSON?, visiting: inout Set<String>
    ) throws(RenderError) -> [KubeObject] {
        guard let path = Self.kustomizationPath(in: tree, directory: directory) else {
            throw RenderError("no kustomization.yaml in '\(directory.isEmpty ? "." : directory)'")
        }
        guard visiting.insert(directory).inserted else {
            throw RenderError("kustomization cycle through '\(directory)'")
        }
        defer { visiting.remove(directory) }
        var k: JSON
        do { k = try YAML.parse(String(decoding: tree.file(path) ?? [], as: UTF8.self)) } catch {
            throw RenderError("failed to parse \(path): \(error)")
        }
        if let overrides { k = Self.edit(k, with: overrides) }
        for key in (k.objectValue ?? [:]).keys.sorted() where !Self.supported.contains(key) {
            throw RenderError("\(path): kustomization field '\(key)' is not supported by Capstan's built-in Kustomize")
        }
        var objects: [KubeObject] = []
        for entry in (k["resources"]?.arrayValue ?? []) + (k["bases"]?.arrayValue ?? []) {
            guard let name = entry.stringValue else { continue }
            if name.contains("://") || name.hasPrefix("github.com/") {
                throw RenderError("\(path): remote resource '\(name)' is not supported")
            }
            guard let target = SourceTree.join(directory, name) else {
                throw RenderError("\(path): '\(name)' leaves the repository")
            }
            if let bytes = tree.file(target) {
                objects += try ManifestParser.objects(in: bytes, file: target)
            } else if tree.isDirectory(target) {
                objects += try build(target, tree: tree, overrides: nil, visiting: &visiting)
            } else {
                throw RenderError("\(path): resource '\(name)' does not exist")
            }
        }
        let patcher = KustomizePatcher(directory: directory, tree: tree, file: path)
        try patcher.applyStrategicMerge(k["patchesStrategicMerge"], to: &objects)
        try patcher.applyPatches(k["patches"], to: &objects)
        if let namespace = k["namespace"]?.stringValue, !namespace.isEmpty {
            KustomizeTransforms.setNamespace(namespace, &objects)
        }
        KustomizeTransforms.rename(
            prefix: k["namePrefix"]?.stringValue ?? "", suffix: k["nameSuffix"]?.stringValue ?? "", &objects)
        KustomizeTransforms.addLabels(
            KubeObject.stringMap(k["commonLabels"]), selectors: true, templates: true, &objects)
        for entry in k["labels"]?.arrayValue ?? [] {
            KustomizeTransforms.addLabels(
                KubeObject.stringMap(entry["pairs"]),
                selectors: entry["includeSelectors"]?.boolValue ?? false,
                templates: entry["includeTemplates"]?.boolValue ?? false, &objects)
        }
        KustomizeTransforms.addAnnotations(KubeObject.stringMap(k["commonAnnotations"]), &objects)
        try patcher.applyJSON6902(k["patchesJson6902"], to: &objects)
        let replicas = (k["replicas"]?.arrayValue ?? []).compactMap { r -> (name: String, count: Int64)? in
            guard let name = r["name"]?.stringValue, let count = r["count"]?.intValue else { return nil }
            return (name, count)
        }
        let affix = (k["namePrefix"]?.stringValue ?? "", k["nameSuffix"]?.stringValue ?? "")
        KustomizeTransforms.setReplicas(replicas, renamedWith: affix, &objects)
        KustomizeTransforms.setImages(Self.images(k["images"]), &objects)
        return objects
    }

    static func images(_ json: JSON?) -> [ImageOverride] {
        (json?.arrayValue ?? []).compactMap { entry in
            if let text = entry.stringValue { return ImageOverride(argoString: text) }
            guard let name = entry["name"]?.stringValue else { return nil }
            return ImageOverride(
                name: name, newName: entry["newName"]?.stringValue,
                newTag: entry["newTag"]?.stringValue, digest: entry["digest"]?.stringValue)
        }
    }

    /// Applies an Application's `source.kustomize` block to a kustomization: prefix, suffix and namespace
    /// replace; labels, annotations, images (by name) and replicas (by name) merge; patches append.
    static func edit(_ kustomization: JSON, with overrides: JSON) -> JSON {
        var k = kustomization
        for key in ["namePrefix", "nameSuffix", "namespace"] {
            if let value = overrides[key]?.stringValue, !value.isEmpty { k[key] = .string(value) }
        }
        for key in ["commonLabels", "commonAnnotations"] {
            guard let add = overrides[key]?.objectValue else { continue }
            k[key] = .object((k[key]?.objectValue ?? [:]).merging(add) { _, new in new })
        }
        let overrideImages = images(overrides["images"])
        if !overrideImages.isEmpty {
            var merged = images(k["images"]).filter { existing in !overrideImages.contains { $0.name == existing.name }
            }
            merged += overrideImages
            k["images"] = .array(
                merged.map { image in
                    var entry: [String: JSON] = ["name": .string(image.name)]
                    if let n = image.newName { entry["newName"] = .string(n) }
                    if let t = image.newTag { entry["newTag"] = .string(t) }
                    if let d = image.digest { entry["digest"] = .string(d) }
                    return .object(entry)
                })
        }
        if let replicas = overrides["replicas"]?.arrayValue {
            let names = Set(replicas.compactMap { $0["name"]?.stringValue })
            k["replicas"] = .array(
                (k["replicas"]?.arrayValue ?? []).filter { !names.contains($0["name"]?.stringValue ?? "") } + replicas)
        }
        if let patches = overrides["patches"]?.arrayValue {
            k["patches"] = .array((k["patches"]?.arrayValue ?? []) + patches)
        }
        return k
    }
}
