/// JSON merge patch (RFC 7386): objects merge member by member, `null` deletes, anything else replaces.
public enum MergePatch {
    public static func apply(_ patch: JSON, to target: JSON) -> JSON {
        guard case .object(let patchMembers) = patch else { return patch }
        var result = target.objectValue ?? [:]
        for (key, value) in patchMembers {
            if value == .null {
                result[key] = nil
            } else {
                result[key] = apply(value, to: result[key] ?? .null)
            }
        }
        return .object(result)
    }

    /// The merge patch that turns `original` into `modified` (for clients computing an update).
    public static func diff(from original: JSON, to modified: JSON) -> JSON? {
        guard case .object(let o) = original, case .object(let m) = modified else {
            return original == modified ? nil : modified
        }
        var patch: [String: JSON] = [:]
        for (key, value) in m {
            if let old = o[key] {
                if let sub = diff(from: old, to: value) { patch[key] = sub }
            } else {
                patch[key] = value
            }
        }
        for key in o.keys where !m.keys.contains(key) { patch[key] = .null }
        return patch.isEmpty ? nil : .object(patch)
    }
}
