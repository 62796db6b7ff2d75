import Foundation
import Kube

/// Sets images in a `kustomization.yaml` the way `kustomize edit set image` would, but as a text edit: the
/// `images:` entry for each image gets its `newTag` (or `digest`), an entry or the whole `images:` list is
/// added when missing, and every other line (comments, order, quoting) stays as it was. The result is read
/// back and checked before it is returned; an edit that does not read back as intended is refused.
public enum KustomizationWriteBack {
    /// The edited text, or nil when the file already says what `updates` ask.
    public static func edit(_ text: String, updates: [ImageUpdate]) throws(WriteBackError) -> String? {
        var lines = text.components(separatedBy: "\n")
        for update in updates { apply(update, to: &lines) }
        let edited = lines.joined(separator: "\n")
        try verify(edited, updates)
        return edited == text ? nil : edited
    }

    static func apply(_ update: ImageUpdate, to lines: inout [String]) {
        let (key, wanted) = update.digest.map { ("digest", $0) } ?? ("newTag", update.newTag)
        let rendered = "\(key): \"\(wanted)\""
        guard let header = lines.firstIndex(where: { isTopLevel($0, key: "images") }) else {
            if lines.last == "" { lines.removeLast() }
            lines += ["images:", "- name: \(update.kustomizeEntryName)"]
            if let newName = newName(update) { lines.append("  newName: \(newName)") }
            lines += ["  \(rendered)", ""]
            return
        }
        let end =
            lines[(header + 1)...].firstIndex { line in
                !line.isEmpty && !line.hasPrefix("#") && !line.hasPrefix(" ") && !line.hasPrefix("-")
            } ?? lines.count
        let starts = (header + 1..<end).filter { itemIndent(lines[$0]) != nil }
        for (offset, start) in starts.enumerated() {
            let stop = offset + 1 < starts.count ? starts[offset + 1] : end
            let column = itemIndent(lines[start])! + 2
            let item = start..<stop
            guard
                item.contains(where: {
                    value(of: "name", in: lines[$0], column: column, first: $0 == start) == update.kustomizeEntryName
                })
            else { continue }
            if let line = item.first(where: { value(of: key, in: lines[$0], column: column, first: $0 == start) != nil }
            ) {
                let prefix =
                    line == start
                    ? String(repeating: " ", count: column - 2) + "- " : String(repeating: " ", count: column)
                lines[line] = prefix + rendered + lines[line].trailingComment
            } else {
                var last = stop - 1
                while last > start && lines[last].trimmed(" ").isEmpty { last -= 1 }
                lines.insert(String(repeating: " ", count: column) + rendered, at: last + 1)
            }
            return
        }
        // No entry for this image yet: one more, indented as the others.
        let indent = starts.first.map { itemIndent(lines[$0])! } ?? 0
        var at = end
        while at > header + 1 && lines[at - 1].trimmed(" ").isEmpty { at -= 1 }
        var entry = [String(repeating: " ", count: indent) + "- name: \(update.kustomizeEntryName)"]
        if let newName = newName(update) {
            entry.append(String(repeating: " ", count: indent + 2) + "newName: \(newName)")
        }
        entry.append(String(repeating: " ", count: indent + 2) + rendered)
        lines.insert(contentsOf: entry, at: at)
    }

    static func newName(_ update: ImageUpdate) -> String? {
        update.kustomizeName.flatMap { $0 == update.image ? nil : update.image }
    }

    static func isTopLevel(_ line: String, key: String) -> Bool {
        guard line.hasPrefix("\(key):") else { return false }
        let rest = line.dropFirst(key.count + 1).trimmed(" ")
        return rest.isEmpty || rest.hasPrefix("#")
    }

    /// The indentation of a list item's dash (`  - name: x` → 2), nil for other lines.
    static func itemIndent(_ line: String) -> Int? {
        let spaces = line.prefix { $0 == " " }.count
        let rest = line.dropFirst(spaces)
        return rest.hasPrefix("- ") || rest == "-" ? spaces : nil
    }

    /// The value of `key` on `line` when the line holds it at the item's key column (after the dash on the
    /// item's first line), unquoted; nil otherwise.
    static func value(of key: String, in line: String, column: Int, first: Bool) -> String? {
        let body = first ? String(line.dropFirst(column)) : line
        let expected = first ? "\(key):" : String(repeating: " ", count: column) + "\(key):"
        guard body.hasPrefix(expected) else { return nil }
        var value = body.dropFirst(expected.count).trimmed(" ")
        if let hash = value.range(of: " #") { value = String(value[..<hash.lowerBound]) }
        return value.trimmed("\"'")
    }

    static func verify(_ text: String, _ updates: [ImageUpdate]) throws(WriteBackError) {
        let parsed: JSON
        do { parsed = try YAML.parse(text) } catch {
            throw WriteBackError("the edited kustomization is not YAML any more: \(error)")
        }
        for update in updates {
            let entry = (parsed["images"]?.arrayValue ?? []).first {
                $0["name"]?.stringValue == update.kustomizeEntryName
            }
            let key = update.digest == nil ? "newTag" : "digest"
            guard entry?[key]?.stringValue == (update.digest ?? update.newTag) else {
                throw WriteBackError(
                    "could not set \(key) of \(update.kustomizeEntryName) in the kustomization's images (its layout "
                        + "is not one this edit understands); nothing was written")
            }
        }
    }
}

/// A write-back that cannot be made; nothing was written.
public struct WriteBackError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension StringProtocol {
    /// A trailing ` # comment` of a YAML line with the spaces before it, kept when its value changes.
    var trailingComment: String {
        guard var start = range(of: " #")?.lowerBound else { return "" }
        while start > startIndex, self[index(before: start)] == " " { start = index(before: start) }
        return String(self[start...])
    }

    func trimmed(_ set: String) -> String {
        var text = Substring(self)
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return String(text)
    }
}
