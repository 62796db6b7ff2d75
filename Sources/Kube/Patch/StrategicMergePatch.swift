/// Strategic merge patch, as kubectl sends for built-in kinds: like a merge patch, but lists that the
/// Kubernetes schema marks with a merge key (containers by `name`, ports by `containerPort`, ...) merge
/// element by element, and the `$patch`, `$deleteFromPrimitiveList` and `$setElementOrder` directives apply.
public enum StrategicMergePatch {
    /// Merge keys of the keyed lists of the built-in kinds, by field name.
    static let mergeKeys: [String: String] = [
        "containers": "name", "initContainers": "name", "ephemeralContainers": "name",
        "env": "name", "volumes": "name", "volumeMounts": "mountPath", "volumeDevices": "devicePath",
        "imagePullSecrets": "name", "ownerReferences": "uid", "conditions": "type",
        "hostAliases": "ip", "topologySpreadConstraints": "topologyKey", "readinessGates": "conditionType",
    ]
    /// Lists of scalars whose patch strategy is merge (a union) rather than replace.
    static let mergedScalarLists: Set<String> = ["finalizers"]

    /// True for a list of scalars that a strategic merge patch unites rather than replaces.
    public static func isMergedScalarList(_ field: String) -> Bool { mergedScalarLists.contains(field) }

    public static func apply(_ patch: JSON, to target: JSON) throws(PatchError) -> JSON {
        guard case .object(let members) = patch else { throw PatchError("a strategic merge patch must be an object") }
        return try mergeObject(target.objectValue ?? [:], members)
    }

    /// The merge key of the keyed list `field` (given its elements), or nil for atomic lists.
    public static func mergeKey(for field: String, elements: [JSON]) -> String? {
        if field == "ports" {
            return elements.contains { $0["containerPort"] != nil } ? "containerPort" : "port"
        }
        return mergeKeys[field]
    }

    static func mergeObject(_ original: [String: JSON], _ patch: [String: JSON]) throws(PatchError) -> JSON {
        if patch["$patch"]?.stringValue == "replace" {
            var replaced = patch
            replaced["$patch"] = nil
            return stripDirectives(replaced)
        }
        if patch["$patch"]?.stringValue == "delete" { return .null }
        var result = original
        if let retained = patch["$retainKeys"]?.arrayValue {
            // `$retainKeys` clears every field it does not list (a Deployment strategy switched to Recreate
            // loses its rollingUpdate).
            let keep = Set(retained.compactMap(\.stringValue))
            result = result.filter { keep.contains($0.key) }
        }
        for (key, value) in patch {
            if key.hasPrefix("$setElementOrder/") || key == "$retainKeys" || key == "$patch" { continue }
            if key.hasPrefix("$deleteFromPrimitiveList/") {
                let field = String(key.dropFirst("$deleteFromPrimitiveList/".count))
                let remove = Set(value.arrayValue ?? [])
                if let list = result[field]?.arrayValue { result[field] = .array(list.filter { !remove.contains($0) }) }
                continue
            }
            if value == .null {
                result[key] = nil
                continue
            }
            switch (result[key], value) {
            case (.object(let o)?, .object(let p)):
                let merged = try mergeObject(o, p)
                result[key] = merged == .null ? nil : merged
            case (.array(let o)?, .array(let p)):
                result[key] = try mergeList(
                    field: key, original: o, patch: p, order: patch["$setElementOrder/" + key]?.arrayValue)
            case (_, .object(let p)):
                let merged = try mergeObject([:], p)
                result[key] = merged == .null ? nil : merged
            case (_, .array(let p)):
                result[key] = try mergeList(field: key, original: [], patch: p)
            default:
                result[key] = value
            }
        }
        return .object(result)
    }

    static func mergeList(
        field: String, original: [JSON], patch: [JSON], order: [JSON]? = nil
    ) throws(PatchError) -> JSON {
        if patch.contains(where: { $0["$patch"]?.stringValue == "replace" }) {
            return .array(patch.filter { $0["$patch"] == nil }.map(stripDirectives))
        }
        if mergedScalarLists.contains(field) {
            var result = original
            for v in patch where !result.contains(v) { result.append(v) }
            return .array(result)
        }
        guard let key = mergeKey(for: field, elements: original + patch) else {
            return .array(patch.map(stripDirectives))
        }
        var result = original
        for element in patch {
            guard case .object(let members) = element, let id = members[key] else {
                throw PatchError("element of \(field) has no merge key \"\(key)\"")
            }
            let index = result.firstIndex { $0[key] == id }
            if members["$patch"]?.stringValue == "delete" {
                if let index { result.remove(at: index) }
                continue
            }
            if let index {
                result[index] = try mergeObject(result[index].objectValue ?? [:], members)
            } else {
                result.append(stripDirectives(element))
            }
        }
        let patchOrder = (order ?? patch).compactMap { $0[key] }
        return .array(ordered(result, by: key, patchOrder: patchOrder, serverOrder: original.compactMap { $0[key] }))
    }

    /// kube-apiserver's element order after a merge: the elements the patch names (in `$setElementOrder`'s
    /// order, else the patch's), then those only the server had, interleaved so that two elements both in the
    /// server's list keep their server order. New elements therefore come first unless an order is given.
    static func ordered(_ merged: [JSON], by key: String, patchOrder: [JSON], serverOrder: [JSON]) -> [JSON] {
        let named = merged.filter { element in element[key].map(patchOrder.contains) ?? false }
            .sorted { a, b in
                (a[key].flatMap { patchOrder.firstIndex(of: $0) } ?? 0)
                    < (b[key].flatMap { patchOrder.firstIndex(of: $0) } ?? 0)
            }
        let serverOnly = merged.filter { element in !(element[key].map(patchOrder.contains) ?? false) }
        func serverIndex(_ element: JSON) -> Int? { element[key].flatMap { serverOrder.firstIndex(of: $0) } }
        var result: [JSON] = []
        var i = 0
        var j = 0
        while i < named.count || j < serverOnly.count {
            guard i < named.count else {
                result.append(serverOnly[j])
                j += 1
                continue
            }
            guard j < serverOnly.count else {
                result.append(named[i])
                i += 1
                continue
            }
            if let left = serverIndex(named[i]), let right = serverIndex(serverOnly[j]), left > right {
                result.append(serverOnly[j])
                j += 1
            } else {
                result.append(named[i])
                i += 1
            }
        }
        return result
    }

    static func stripDirectives(_ value: JSON) -> JSON {
        switch value {
        case .object(let o): return stripDirectives(o)
        case .array(let a): return .array(a.map(stripDirectives))
        default: return value
        }
    }

    static func stripDirectives(_ o: [String: JSON]) -> JSON {
        var result: [String: JSON] = [:]
        for (k, v) in o where !k.hasPrefix("$") { result[k] = stripDirectives(v) }
        return .object(result)
    }
}
