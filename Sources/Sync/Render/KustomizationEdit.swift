import Kube

/// An Application's `source.kustomize` block written into its top kustomization, as Argo CD's
/// `kustomize edit` commands write it: prefix, suffix and namespace replace; labels, annotations, images
/// (by name) and replicas (by name) merge; patches and components append.
enum KustomizationEdit {
    static func images(_ json: JSON?) -> [ImageOverride] {
        (json?.arrayValue ?? []).compactMap { entry in
            if let text = entry.stringValue { return ImageOverride(argoString: text) }
            guard let name = entry["name"]?.stringValue else { return nil }
            return ImageOverride(
                name: name, newName: entry["newName"]?.stringValue,
                newTag: entry["newTag"]?.stringValue, digest: entry["digest"]?.stringValue)
        }
    }

    /// The kustomization with the overrides applied.
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
        for key in ["patches", "components"] {
            guard let added = overrides[key]?.arrayValue else { continue }
            k[key] = .array((k[key]?.arrayValue ?? []) + added)
        }
        return k
    }
}
