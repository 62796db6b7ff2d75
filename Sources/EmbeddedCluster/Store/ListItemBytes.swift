/// A stored object's bytes as a list item: kube-apiserver leaves `apiVersion` and `kind` out of list items
/// (recording 14), since the list names them once. Stored bytes are compact JSON with sorted keys, so both
/// are top-level members found by a scan that skips strings and nested values.
enum ListItemBytes {
    static func strip(_ bytes: [UInt8]) -> [UInt8] {
        var ranges: [Range<Int>] = []
        var depth = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                let start = index
                index = endOfString(bytes, from: index)
                let key = String(decoding: bytes[(start + 1)..<max(start + 1, index - 1)], as: UTF8.self)
                if depth == 1, index < bytes.count, bytes[index] == UInt8(ascii: ":"),
                    key == "apiVersion" || key == "kind",
                    index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\"")
                {
                    index = endOfString(bytes, from: index + 1)  // the value is a string
                    let end = index < bytes.count && bytes[index] == UInt8(ascii: ",") ? index + 1 : index
                    ranges.append(start..<end)
                }
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            default: break
            }
            index += 1
        }
        guard !ranges.isEmpty else { return bytes }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var from = 0
        for range in ranges {
            result += bytes[from..<range.lowerBound]
            from = range.upperBound
        }
        result += bytes[from...]
        if result.count >= 2, result[result.count - 2] == UInt8(ascii: ",") { result.remove(at: result.count - 2) }
        return result
    }

    /// The index just past the string that starts at `start` (a quote).
    static func endOfString(_ bytes: [UInt8], from start: Int) -> Int {
        var index = start + 1
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\\") {
                index += 2
                continue
            }
            if bytes[index] == UInt8(ascii: "\"") { return index + 1 }
            index += 1
        }
        return index
    }
}
