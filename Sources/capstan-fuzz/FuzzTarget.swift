import Kube

@testable import EmbeddedCluster

/// One parser or patch engine under fuzzing. Every input must end in a value or a thrown error: a trap,
/// a hang or unbounded memory is a bug. Two-part inputs (a document and a patch) are split at the first
/// NUL byte.
enum FuzzTarget: String, CaseIterable {
    case json, yaml, labelSelector, fieldSelector, mergePatch, jsonPatch, strategicMergePatch, apply, requestPath

    func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        switch self {
        case .json:
            if let value = try? JSON.parse(bytes) { Self.roundTrip(value) }
        case .yaml:
            if let values = try? YAML.parseAll(text) { values.forEach(Self.roundTrip) }
        case .labelSelector:
            if let selector = try? LabelSelector(parsing: text) { _ = selector.matches(["app": "x", "tier": ""]) }
        case .fieldSelector:
            if let selector = try? FieldSelector(parsing: text) {
                _ = selector.matches(KubeObject(apiVersion: "v1", kind: "Pod", name: "p", namespace: "ns"))
            }
        case .mergePatch, .jsonPatch, .strategicMergePatch, .apply:
            guard let (document, patch) = Self.split(bytes) else { return }
            applyPatch(patch, to: document)
        case .requestPath:
            _ = RequestTarget(path: text) { $0.resource.hasPrefix("n") ? nil : true }
        }
    }

    func applyPatch(_ patch: JSON, to document: JSON) {
        let result: JSON?
        switch self {
        case .mergePatch: result = MergePatch.apply(patch, to: document)
        case .jsonPatch: result = try? JSONPatch.apply(patch, to: document, maximumBytes: 1 << 20)
        case .strategicMergePatch: result = try? StrategicMergePatch.apply(patch, to: document)
        default:
            result = try? FieldOwnership.apply(patch, manager: "fuzz", live: document, force: false, subresource: nil)
        }
        if let result { Self.roundTrip(result) }
    }

    /// A value's serialization must parse back and serialize to the same bytes (the serialization is
    /// canonical: sorted members, whole doubles written as integers), within the shared depth limit.
    static func roundTrip(_ value: JSON) {
        let bytes = value.serializedBytes()
        guard JSON.nestingDepth(ofSerialized: bytes) <= JSON.maximumDepth else { return }
        guard let again = try? JSON.parse(bytes), again.serializedBytes() == bytes else {
            fatalError("JSON did not round-trip: \(String(decoding: bytes.prefix(200), as: UTF8.self))")
        }
    }

    static func split(_ bytes: [UInt8]) -> (JSON, JSON)? {
        guard let nul = bytes.firstIndex(of: 0),
            let document = try? JSON.parse(bytes[..<nul]),
            let patch = try? YAML.parseYAMLOrJSON(Array(bytes[(nul + 1)...]))
        else { return nil }
        return (document, patch)
    }
}
