/// Tokenizes and parses the label selector string syntax.
struct SelectorScanner {
    let chars: [Character]
    var index = 0

    init(_ text: String) { chars = Array(text) }

    mutating func skipSpace() { while index < chars.count, chars[index] == " " { index += 1 } }

    mutating func identifier() -> String {
        skipSpace()
        let start = index
        while index < chars.count, !" ,=!()".contains(chars[index]) { index += 1 }
        return String(chars[start..<index])
    }

    mutating func consume(_ s: String) -> Bool {
        skipSpace()
        let expected = Array(s)
        guard index + expected.count <= chars.count, Array(chars[index..<index + expected.count]) == expected else {
            return false
        }
        index += expected.count
        return true
    }

    mutating func valueSet() throws(SelectorError) -> Set<String> {
        guard consume("(") else { throw SelectorError(message: "expected '(' in label selector") }
        var values = Set<String>()
        while true {
            let v = identifier()
            values.insert(v)
            if consume(")") { break }
            guard consume(",") else { throw SelectorError(message: "expected ',' or ')' in label selector") }
        }
        return values
    }

    mutating func parseLabelRequirements() throws(SelectorError) -> [LabelSelector.Requirement] {
        var result: [LabelSelector.Requirement] = []
        skipSpace()
        if index >= chars.count { return [] }
        while true {
            if consume("!") {
                let key = identifier()
                guard !key.isEmpty else { throw SelectorError(message: "expected a label key after '!'") }
                result.append(.doesNotExist(key))
            } else {
                let key = identifier()
                guard !key.isEmpty else { throw SelectorError(message: "expected a label key at offset \(index)") }
                try Self.validateKey(key)
                if consume("!=") {
                    result.append(.notEquals(key, identifier()))
                } else if consume("==") || consume("=") {
                    result.append(.equals(key, identifier()))
                } else if consume("notin") {
                    result.append(.notIn(key, try valueSet()))
                } else if consume("in") {
                    result.append(.in(key, try valueSet()))
                } else {
                    result.append(.exists(key))
                }
            }
            skipSpace()
            if index >= chars.count { return result }
            guard consume(",") else { throw SelectorError(message: "unexpected '\(chars[index])' in label selector") }
        }
    }

    static func validateKey(_ key: String) throws(SelectorError) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./")
        guard key.allSatisfy(allowed.contains) else {
            throw SelectorError(message: "invalid label key \"\(key)\"")
        }
    }
}
