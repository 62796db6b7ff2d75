import Kube

/// Applies a kustomization's patches: `patchesStrategicMerge` (files or inline), `patches` (strategic merge
/// or JSON 6902, inline or by path, with an optional `target`) and `patchesJson6902`.
struct KustomizePatcher {
    let directory: String
    let tree: SourceTree
    let file: String

    func applyStrategicMerge(_ entries: JSON?, to objects: inout [KubeObject]) throws(RenderError) {
        for entry in entries?.arrayValue ?? [] {
            guard let text = entry.stringValue else { continue }
            let body = try load(pathOrInline: text)
            for patch in try documents(body) { try applySMP(patch, target: nil, to: &objects) }
        }
    }

    func applyPatches(_ entries: JSON?, to objects: inout [KubeObject]) throws(RenderError) {
        for entry in entries?.arrayValue ?? [] {
            let body: String
            if let path = entry["path"]?.stringValue {
                body = try load(path: path)
            } else if let inline = entry["patch"]?.stringValue {
                body = inline
            } else {
                throw RenderError("\(file): a patch needs 'path' or 'patch'")
            }
            let parsed = try documents(body)
            if parsed.count == 1, case .array = parsed[0] {
                guard let target = entry["target"] else {
                    throw RenderError("\(file): a JSON 6902 patch needs a target")
                }
                try applyJSONPatch(parsed[0], target: target, to: &objects)
            } else {
                for patch in parsed { try applySMP(patch, target: entry["target"], to: &objects) }
            }
        }
    }

    func applyJSON6902(_ entries: JSON?, to objects: inout [KubeObject]) throws(RenderError) {
        for entry in entries?.arrayValue ?? [] {
            let body =
                try entry["path"]?.stringValue.map { (p) throws(RenderError) in try load(path: p) } ?? entry["patch"]?
                .stringValue ?? ""
            guard let target = entry["target"], let patch = try documents(body).first else {
                throw RenderError("\(file): patchesJson6902 entries need a target and a patch")
            }
            try applyJSONPatch(patch, target: target, to: &objects)
        }
    }

    private func applySMP(_ patch: JSON, target: JSON?, to objects: inout [KubeObject]) throws(RenderError) {
        let patchObject = KubeObject(patch)
        var matched = false
        for i in objects.indices {
            let hit: Bool
            if let target {
                hit = try matches(objects[i], target: target)
            } else {
                hit =
                    objects[i].kind == patchObject.kind && objects[i].name == patchObject.name
                    && (patchObject.namespace == nil || patchObject.namespace == objects[i].namespace)
            }
            guard hit else { continue }
            var body = patch
            if target != nil {  // a targeted patch may name anything; it must not rename the target
                body["metadata"] = .object(
                    (body["metadata"]?.objectValue ?? [:]).filter { $0.key != "name" && $0.key != "namespace" })
            }
            do { objects[i] = KubeObject(try StrategicMergePatch.apply(body, to: objects[i].json)) } catch {
                throw RenderError("\(file): patch for \(objects[i].kind)/\(objects[i].name) failed: \(error)")
            }
            matched = true
        }
        if !matched && target == nil {
            throw RenderError("\(file): patch target \(patchObject.kind)/\(patchObject.name) not found")
        }
    }

    private func applyJSONPatch(_ patch: JSON, target: JSON, to objects: inout [KubeObject]) throws(RenderError) {
        for i in objects.indices where try matches(objects[i], target: target) {
            do { objects[i] = KubeObject(try JSONPatch.apply(patch, to: objects[i].json)) } catch {
                throw RenderError("\(file): JSON patch for \(objects[i].kind)/\(objects[i].name) failed: \(error)")
            }
        }
    }

    private func matches(_ object: KubeObject, target: JSON) throws(RenderError) -> Bool {
        func glob(_ field: String, _ value: String) -> Bool {
            guard let pattern = target[field]?.stringValue, !pattern.isEmpty else { return true }
            return Glob(pattern).matches(value)
        }
        guard glob("group", object.gvk.group), glob("version", object.gvk.version), glob("kind", object.kind),
            glob("name", object.name), glob("namespace", object.namespace ?? "")
        else { return false }
        for (field, source) in [("labelSelector", object.labels), ("annotationSelector", object.annotations)] {
            guard let text = target[field]?.stringValue, !text.isEmpty else { continue }
            do { if !(try LabelSelector(parsing: text).matches(source)) { return false } } catch {
                throw RenderError("\(file): bad \(field) '\(text)': \(error)")
            }
        }
        return true
    }

    private func load(pathOrInline text: String) throws(RenderError) -> String {
        text.contains("\n") || text.contains(":") && !text.hasSuffix(".yaml") && !text.hasSuffix(".yml")
            ? text : try load(path: text)
    }

    private func load(path: String) throws(RenderError) -> String {
        guard let full = SourceTree.join(directory, path), let bytes = tree.file(full) else {
            throw RenderError("\(file): patch file '\(path)' does not exist")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func documents(_ text: String) throws(RenderError) -> [JSON] {
        do { return try YAML.parseAll(text).filter { $0 != .null } } catch {
            throw RenderError("\(file): patch is not valid YAML: \(error)")
        }
    }
}
