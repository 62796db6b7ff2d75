import Foundation
import Kube

/// Removes what the server owns before a comparison, and compares values the way the API server stores them.
enum Normalizer {
    static let serverMetadata = [
        "resourceVersion", "uid", "creationTimestamp", "generation", "managedFields",
        "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds",
    ]

    static func normalize(_ json: JSON) -> JSON {
        var result = json
        result["status"] = nil
        if case .object(var metadata)? = result["metadata"] {
            for field in serverMetadata { metadata[field] = nil }
            if case .object(var annotations)? = metadata["annotations"] {
                annotations["kubectl.kubernetes.io/last-applied-configuration"] = nil
                metadata["annotations"] = annotations.isEmpty ? nil : .object(annotations)
            }
            result["metadata"] = .object(metadata)
        }
        if result["kind"]?.stringValue == "Secret", result["apiVersion"]?.stringValue == "v1",
            case .object(let stringData)? = result["stringData"]
        {
            var data = result["data"]?.objectValue ?? [:]
            for (key, value) in stringData {
                data[key] = .string(Data((value.stringValue ?? "").utf8).base64EncodedString())
            }
            result["data"] = .object(data)
            result["stringData"] = nil
        }
        return result
    }

    /// Equal, with integers and doubles of the same value treated as equal and an empty object or list
    /// equal to an absent one.
    static func equivalent(_ a: JSON?, _ b: JSON?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case (.int(let x)?, .double(let y)?), (.double(let y)?, .int(let x)?): return Double(x) == y
        case (.object(let m)?, nil), (nil, .object(let m)?): return m.isEmpty
        case (.array(let m)?, nil), (nil, .array(let m)?): return m.isEmpty
        case (.null?, nil), (nil, .null?): return true
        default: return a == b
        }
    }

    /// Removes the field an RFC 6901 pointer addresses, if present.
    static func remove(pointer: String, from json: JSON) -> JSON {
        // Pointers are validated with the Application's spec (InvalidSpecError); here only valid ones act.
        guard let parsed = try? JSONPointer(pointer), !parsed.tokens.isEmpty else { return json }
        return remove(parsed.tokens[...], from: json)
    }

    /// Removes the field a list of pointer tokens addresses, if present.
    static func remove(tokens: [String], from json: JSON) -> JSON {
        tokens.isEmpty ? json : remove(tokens[...], from: json)
    }

    private static func remove(_ tokens: ArraySlice<String>, from json: JSON) -> JSON {
        guard let token = tokens.first else { return json }
        let rest = tokens.dropFirst()
        switch json {
        case .object(var members):
            guard let child = members[token] else { return json }
            members[token] = rest.isEmpty ? nil : remove(rest, from: child)
            return .object(members)
        case .array(var elements):
            guard let index = Int(token), elements.indices.contains(index) else { return json }
            if rest.isEmpty {
                elements.remove(at: index)
            } else {
                elements[index] = remove(rest, from: elements[index])
            }
            return .array(elements)
        default:
            return json
        }
    }

    /// Sets (or, with nil, removes) the value an RFC 6901 pointer addresses, creating objects on the way.
    /// Sets (or, with nil, removes) the value at a list of pointer tokens, creating objects on the way.
    static func set(tokens: [String], to value: JSON?, in json: JSON) -> JSON {
        guard !tokens.isEmpty else { return json }
        guard let value else { return remove(tokens: tokens, from: json) }
        return set(tokens[...], value, json)
    }

    /// The value at a list of pointer tokens (array indexes as decimal strings), if present.
    static func value(at tokens: [String], in json: JSON) -> JSON? {
        tokens.reduce(Optional(json)) { node, token in
            switch node {
            case .object(let members)?: members[token]
            case .array(let elements)?: Int(token).flatMap { elements.indices.contains($0) ? elements[$0] : nil }
            default: nil
            }
        }
    }

    private static func set(_ tokens: ArraySlice<String>, _ value: JSON, _ json: JSON) -> JSON {
        guard let token = tokens.first else { return value }
        let rest = tokens.dropFirst()
        if case .array(var elements) = json, let index = Int(token), elements.indices.contains(index) {
            elements[index] = set(rest, value, elements[index])
            return .array(elements)
        }
        var members = json.objectValue ?? [:]
        members[token] = set(rest, value, members[token] ?? .object([:]))
        return .object(members)
    }

    /// `RespectIgnoreDifferences`: the desired object with every ignored field left as the cluster has it.
    /// Fields named by `jsonPointers` and `jqPathExpressions` (`liveSelected`, found in the live object) take
    /// their live value; fields owned by a manager in `managedFieldsManagers` are left out of the desired
    /// object, so server-side apply keeps that manager's value.
    static func respectingIgnored(
        _ desired: KubeObject, live: KubeObject?, rules: [IgnoreDifference],
        liveSelected: [[String]] = []
    ) -> KubeObject {
        guard let live else { return desired }
        var json = desired.json
        let matching = rules.filter { $0.matches(ResourceKey(desired)) }
        // Pointers are validated with the Application's spec (InvalidSpecError); here only valid ones act.
        let pointers = matching.flatMap(\.jsonPointers).compactMap { try? JSONPointer($0).tokens }
        for tokens in pointers + liveSelected {
            json = set(tokens: tokens, to: value(at: tokens, in: live.json), in: json)
        }
        let managers = Set(matching.flatMap(\.managedFieldsManagers))
        for entry in live.managedFields where managers.contains(entry["manager"]?.stringValue ?? "") {
            for path in FieldSet(fieldsV1: entry["fieldsV1"] ?? .object([:])).paths where path.first != "f:status" {
                json = FieldSet.remove(path, from: json)
            }
        }
        return KubeObject(json)
    }

    /// A copy of a Secret whose `data` and `stringData` values are replaced, for diff output.
    static func masked(_ value: JSON?, path: String, kind: String) -> String {
        guard let value else { return "<absent>" }
        if kind == "Secret", path.hasPrefix("data") || path.hasPrefix("stringData") { return "++++++++" }
        return value.stringValue ?? value.serialized()
    }
}

extension ResourceDiff {
    /// Text for `capstan app diff`: one line per changed field, Secret values masked.
    public func render(for key: ResourceKey) -> String {
        var lines = [
            "===== \(key.group.isEmpty ? "" : key.group + "/")\(key.kind) \(key.namespace.isEmpty ? "" : key.namespace + "/")\(key.name) ====="
        ]
        if isMissing { lines.append("  (missing from the cluster)") }
        for change in changes {
            lines.append(
                "  \(change.path): \(Normalizer.masked(change.live, path: change.path, kind: key.kind)) -> \(Normalizer.masked(change.desired, path: change.path, kind: key.kind))"
            )
        }
        return lines.joined(separator: "\n")
    }
}
