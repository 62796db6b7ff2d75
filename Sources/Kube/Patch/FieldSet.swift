/// The set of leaf fields an object sets, as paths in the `fieldsV1` vocabulary of managedFields:
/// `f:<member>` for object members, `k:{"name":"app"}` for keyed list elements and `.` for an element itself.
public struct FieldSet: Sendable, Hashable {
    public var paths: Set<[String]>

    public init(_ paths: Set<[String]> = []) { self.paths = paths }

    /// The fields `object` sets, leaving out identity and server-owned metadata (and status unless asked).
    public init(of object: JSON, includeStatus: Bool = false) {
        var paths = Set<[String]>()
        let apiVersion = object["apiVersion"]?.stringValue ?? ""
        for (key, value) in object.objectValue ?? [:] {
            switch key {
            case "apiVersion", "kind": continue
            case "status" where !includeStatus: continue
            case "metadata":
                for (mk, mv) in value.objectValue ?? [:] where Self.ownedMetadata.contains(mk) {
                    Self.collect(mv, field: mk, prefix: ["f:metadata", "f:" + mk], apiVersion: "", into: &paths)
                }
            default:
                Self.collect(value, field: key, prefix: ["f:" + key], apiVersion: apiVersion, into: &paths)
            }
        }
        self.paths = paths
    }

    public static let ownedMetadata: Set<String> = ["labels", "annotations", "finalizers", "ownerReferences"]

    static func collect(
        _ value: JSON, field: String, prefix: [String], apiVersion: String, into paths: inout Set<[String]>
    ) {
        if FieldSchema.isAtomic(field, apiVersion: apiVersion) {
            paths.insert(prefix)
            return
        }
        switch value {
        case .object(let members) where !members.isEmpty:
            for (k, v) in members {
                collect(v, field: k, prefix: prefix + ["f:" + k], apiVersion: apiVersion, into: &paths)
            }
        case .array(let elements):
            guard let keys = FieldSchema.listKeys(for: field, elements: elements), !elements.isEmpty else {
                paths.insert(prefix)
                return
            }
            for element in elements {
                guard let id = FieldSchema.identity(of: element, keys: keys) else { continue }
                let elementPath = prefix + ["k:" + id.serialized()]
                paths.insert(elementPath + ["."])
                for (k, v) in element.objectValue ?? [:] {
                    collect(v, field: k, prefix: elementPath + ["f:" + k], apiVersion: apiVersion, into: &paths)
                }
            }
        default:
            paths.insert(prefix)
        }
    }

    /// The nested `fieldsV1` object.
    public var fieldsV1: JSON {
        var root = JSON.object([:])
        for path in paths { root[path: path] = root[path: path] ?? .object([:]) }
        return root
    }

    /// Reads a `fieldsV1` object back into paths.
    public init(fieldsV1: JSON) {
        var paths = Set<[String]>()
        func walk(_ node: JSON, _ prefix: [String]) {
            guard case .object(let members) = node, !members.isEmpty else {
                if !prefix.isEmpty { paths.insert(prefix) }
                return
            }
            for (k, v) in members { walk(v, prefix + [k]) }
        }
        walk(fieldsV1, [])
        self.paths = paths
    }

    /// The value a path addresses, nil when absent.
    public static func value(at path: [String], in json: JSON) -> JSON? {
        var current: JSON? = json
        for step in path {
            guard let node = current else { return nil }
            if step == "." { continue }
            if step.hasPrefix("f:") {
                current = node[String(step.dropFirst(2))]
            } else if step.hasPrefix("k:"), let key = try? JSON.parse(String(step.dropFirst(2))).objectValue {
                current = node.arrayValue?.first { FieldSchema.element($0, matches: key) }
            } else {
                return nil
            }
        }
        return current
    }

    /// Removes the field a path addresses (a keyed element when the path ends in `.`).
    public static func remove(_ path: [String], from json: JSON) -> JSON {
        guard let step = path.first else { return json }
        let rest = Array(path.dropFirst())
        if step.hasPrefix("f:") {
            let name = String(step.dropFirst(2))
            guard var members = json.objectValue, let child = members[name] else { return json }
            members[name] = rest.isEmpty ? nil : remove(rest, from: child)
            return .object(members)
        }
        if step.hasPrefix("k:"), let key = try? JSON.parse(String(step.dropFirst(2))).objectValue,
            var elements = json.arrayValue,
            let index = elements.firstIndex(where: { FieldSchema.element($0, matches: key) })
        {
            if rest == ["."] || rest.isEmpty {
                elements.remove(at: index)
            } else {
                elements[index] = remove(rest, from: elements[index])
            }
            return .array(elements)
        }
        return json
    }
}
