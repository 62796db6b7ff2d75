import Foundation
import Kube
import Registry

/// Capstan's write-back for plain-YAML Applications (no Kustomize, no Helm), beyond Argo CD Image Updater: the
/// image is changed in the manifests themselves, as a text edit that keeps every other line.
/// - An `image:` value naming the image (any tag or digest) gets the new reference.
/// - A Flux-style setter comment sets the value on its line in any YAML file:
///   `# {"$imagepolicy": "<namespace>:<alias>"}` (the whole reference) or with `:tag` / `:name` / `:digest`
///   after the alias (that part only). The policy name is the image's alias in `image-list`; its namespace is
///   not checked, so setters written for Flux keep working when the alias repeats the policy's name.
public enum ManifestWriteBack {
    /// The edited text, or nil when nothing in it changes. An edit that no longer parses as YAML is refused.
    public static func edit(_ text: String, updates: [ImageUpdate]) throws(WriteBackError) -> String? {
        var lines = text.components(separatedBy: "\n")
        for index in lines.indices {
            if let value = setterValue(lines[index], updates) ?? imageValue(lines[index], updates) {
                lines[index] = replacingValue(of: lines[index], with: value)
            }
        }
        let edited = lines.joined(separator: "\n")
        guard edited != text else { return nil }
        do { _ = try YAML.parseAll(edited) } catch {
            throw WriteBackError("the edited manifest is not YAML any more: \(error); nothing was written")
        }
        return edited
    }

    /// The value a setter comment on `line` asks for, when it names one of the updates' aliases.
    static func setterValue(_ line: String, _ updates: [ImageUpdate]) -> String? {
        guard let marker = line.range(of: "\"$imagepolicy\"") else { return nil }
        let rest = line[marker.upperBound...].drop { $0 == ":" || $0 == " " }
        guard rest.first == "\"", let close = rest.dropFirst().firstIndex(of: "\"") else { return nil }
        let parts = rest[rest.index(after: rest.startIndex)..<close].split(separator: ":").map(String.init)
        guard parts.count >= 2, let update = updates.first(where: { $0.alias == parts[1] }) else { return nil }
        switch parts.count > 2 ? parts[2] : nil {
        case nil: return update.reference
        case "tag": return update.newTag
        case "name": return update.image
        case "digest": return update.digest
        default: return nil
        }
    }

    /// The new reference for an `image:` line whose image is one of the updates.
    static func imageValue(_ line: String, _ updates: [ImageUpdate]) -> String? {
        let body = line.drop { $0 == " " || $0 == "-" }
        guard body.hasPrefix("image:"), let current = RegistryImage(scalar(of: line) ?? "") else { return nil }
        let update = updates.first { update in
            RegistryImage(update.image).map { $0.registry == current.registry && $0.repository == current.repository }
                ?? false
        }
        return update?.reference
    }

    /// The scalar after the line's first `: ` (or `- `), unquoted, without a trailing comment.
    static func scalar(of line: String) -> String? {
        guard let span = valueRange(line) else { return nil }
        return line[span].trimmed(" \"'")
    }

    static func replacingValue(of line: String, with value: String) -> String {
        guard let span = valueRange(line) else { return line }
        let old = line[span]
        let quote = old.trimmed(" ").first.flatMap { $0 == "\"" || $0 == "'" ? String($0) : nil } ?? ""
        let trailing = String(old.reversed().prefix { $0 == " " })
        return line.replacingCharacters(in: span, with: " \(quote)\(value)\(quote)\(trailing)")
    }

    /// Where a line's value sits: after `key:` or a list dash, up to a ` #` comment.
    static func valueRange(_ line: String) -> Range<String.Index>? {
        let end = line.range(of: " #")?.lowerBound ?? line.endIndex
        let head = line[..<end]
        let start: String.Index
        if let colon = head.range(of: ": ") {
            start = line.index(after: colon.lowerBound)
        } else if let dash = head.range(of: "- "), head[..<dash.lowerBound].allSatisfy({ $0 == " " }) {
            start = line.index(after: dash.lowerBound)
        } else {
            return nil
        }
        return start < end ? start..<end : nil
    }
}
