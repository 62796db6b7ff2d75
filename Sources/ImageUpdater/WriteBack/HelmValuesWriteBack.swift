import Foundation
import Kube

/// Sets Helm values in a values file (`helmvalues[:path]`) as a text edit: each dotted key (`image.tag`) gets
/// its new value on its own line, a missing key (and its missing parents) is added at the end of its parent
/// block, and every other line (comments, order, other values) stays as it was. The result is read back and
/// checked; a layout the edit cannot handle (flow style) is refused, nothing written.
public enum HelmValuesWriteBack {
    /// The edited text, or nil when the file already holds every value.
    public static func edit(_ text: String, values: [(key: String, value: String)]) throws(WriteBackError) -> String? {
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        for (key, value) in values { set(key.split(separator: ".").map(String.init), to: value, in: &lines) }
        let edited = lines.joined(separator: "\n") + "\n"
        let parsed: JSON
        do { parsed = try YAML.parse(edited) } catch {
            throw WriteBackError("the edited values file is not YAML any more: \(error)")
        }
        for (key, value) in values {
            let found = parsed[path: key.split(separator: ".").map(String.init)]
            guard found?.stringValue == value else {
                throw WriteBackError(
                    "could not set \(key) in the values file (its layout is not one this edit understands); "
                        + "nothing was written")
            }
        }
        return edited == text ? nil : edited
    }

    /// Sets `path` within the block of lines `range` whose keys sit at `indent`.
    static func set(_ path: [String], to value: String, in lines: inout [String]) {
        var range = 0..<lines.count
        var indent = 0
        for (depth, key) in path.enumerated() {
            let last = depth == path.count - 1
            if let line = range.first(where: { keyOf(lines[$0], indent: indent) == key }) {
                if last {
                    // Already that value (quoted or not): the line stays as written.
                    if ManifestWriteBack.scalar(of: lines[line]) == value { return }
                    lines[line] =
                        String(repeating: " ", count: indent) + "\(key): \"\(value)\"" + lines[line].trailingComment
                    return
                }
                // The child block: the following lines indented deeper than this key.
                let end =
                    (line + 1..<range.upperBound).first { index in
                        let text = lines[index]
                        return !text.trimmingCharacters(in: .whitespaces).isEmpty
                            && !text.trimmingCharacters(in: .whitespaces).hasPrefix("#")
                            && text.prefix { $0 == " " }.count <= indent
                    } ?? range.upperBound
                let child = (line + 1..<end).first { !lines[$0].trimmingCharacters(in: .whitespaces).isEmpty }
                indent = child.map { lines[$0].prefix { $0 == " " }.count } ?? indent + 2
                range = line + 1..<end
                continue
            }
            // Missing from here on: add the rest of the path at the end of the current block.
            var insert = range.upperBound
            while insert > range.lowerBound && lines[insert - 1].trimmingCharacters(in: .whitespaces).isEmpty {
                insert -= 1
            }
            var added: [String] = []
            for (offset, rest) in path[depth...].enumerated() {
                let pad = String(repeating: " ", count: indent + offset * 2)
                added.append(offset == path.count - depth - 1 ? pad + "\(rest): \"\(value)\"" : pad + "\(rest):")
            }
            lines.insert(contentsOf: added, at: insert)
            return
        }
    }

    /// The key a line defines at exactly `indent`, nil for other lines.
    static func keyOf(_ line: String, indent: Int) -> String? {
        guard line.prefix(while: { $0 == " " }).count == indent, let colon = line.firstIndex(of: ":") else {
            return nil
        }
        let key = line[line.index(line.startIndex, offsetBy: indent)..<colon]
        guard !key.isEmpty, !key.hasPrefix("#"), !key.hasPrefix("-") else { return nil }
        return String(key).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
    }
}
