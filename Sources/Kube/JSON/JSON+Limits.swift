/// The limits every reader and writer of Capstan's JSON shares, so nothing is accepted that cannot be
/// read back: one nesting depth, and a cheap size estimate that stops counting once past a bound.
extension JSON {
    /// The deepest nesting the parsers accept and the store writes (arrays and objects each count one level).
    public static let maximumDepth = 512

    /// The serialized size in bytes, counted only up to `bound`: the result is exact when it is at most
    /// `bound`, and some number above `bound` otherwise (so a huge value costs no more than `bound` to measure).
    public func estimatedSize(upTo bound: Int) -> Int {
        var total = 0
        accumulateSize(into: &total, bound: bound)
        return total
    }

    private func accumulateSize(into total: inout Int, bound: Int) {
        guard total <= bound else { return }
        switch self {
        case .null: total += 4
        case .bool(let b): total += b ? 4 : 5
        case .int, .double: total += 20
        case .string(let s): total += s.utf8.count + 2
        case .array(let a):
            total += 2 + a.count
            for element in a {
                element.accumulateSize(into: &total, bound: bound)
                if total > bound { return }
            }
        case .object(let o):
            total += 2 + o.count
            for (key, value) in o {
                total += key.utf8.count + 3
                value.accumulateSize(into: &total, bound: bound)
                if total > bound { return }
            }
        }
    }

    /// The nesting depth of serialized JSON bytes (0 for a scalar), found by one scan that skips strings.
    public static func nestingDepth(ofSerialized bytes: [UInt8]) -> Int {
        var depth = 0
        var deepest = 0
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                deepest = max(deepest, depth)
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            default: break
            }
        }
        return deepest
    }
}
