/// One token of an expression, with the column (1-based) it starts at.
struct Token: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case number(ExprValue)
        case string(String)
        case identifier(String)
        case symbol(String)
        case pointer
        case end
    }

    var kind: Kind
    var column: Int

    /// True for the symbol or keyword operator `text` (`"+"`, `"and"`, `"in"`).
    func `is`(_ text: String) -> Bool {
        switch kind {
        case .symbol(let symbol): return symbol == text
        case .identifier(let word): return word == text
        default: return false
        }
    }
}

/// Splits an expression into tokens: numbers (`1_000`, `0x1F`, `2.5e3`), strings in double, single or back
/// quotes, identifiers, `#`, and the operators and punctuation of expr-lang.
struct Lexer {
    private static let symbols = [
        "**", "==", "!=", "<=", ">=", "&&", "||", "??", "?.", "..",
        "+", "-", "*", "/", "%", "^", "<", ">", "!", "?", ":", ".", ",", "(", ")", "[", "]", "{", "}", "|",
    ]

    private let characters: [Character]
    private var position = 0

    init(_ source: String) { characters = Array(source) }

    static func tokens(_ source: String) throws(ExprError) -> [Token] {
        var lexer = Lexer(source)
        var tokens: [Token] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private func peek(_ offset: Int = 0) -> Character? {
        position + offset < characters.count ? characters[position + offset] : nil
    }

    mutating func next() throws(ExprError) -> Token {
        while let c = peek(), c.isWhitespace { position += 1 }
        let column = position + 1
        guard let c = peek() else { return Token(kind: .end, column: column) }
        if c.isNumber || (c == "." && peek(1)?.isNumber == true && !(position > 0 && characters[position - 1] == ".")) {
            return Token(kind: .number(try number(column: column)), column: column)
        }
        if c == "\"" || c == "'" { return Token(kind: .string(try quoted(c, column: column)), column: column) }
        if c == "`" { return Token(kind: .string(try raw(column: column)), column: column) }
        if c.isLetter || c == "_" || c == "$" {
            var word = ""
            while let d = peek(), d.isLetter || d.isNumber || d == "_" || d == "$" {
                word.append(d)
                position += 1
            }
            return Token(kind: .identifier(word), column: column)
        }
        if c == "#" {
            position += 1
            return Token(kind: .pointer, column: column)
        }
        for symbol in Self.symbols where matches(symbol) {
            position += symbol.count
            return Token(kind: .symbol(symbol), column: column)
        }
        throw ExprError(.syntax, "unexpected character \(c)", column: column)
    }

    private func matches(_ symbol: String) -> Bool {
        for (offset, expected) in symbol.enumerated() where peek(offset) != expected { return false }
        return true
    }

    private mutating func number(column: Int) throws(ExprError) -> ExprValue {
        var text = ""
        if peek() == "0", let x = peek(1), x == "x" || x == "X" {
            position += 2
            while let d = peek(), d.isHexDigit || d == "_" {
                if d != "_" { text.append(d) }
                position += 1
            }
            guard let value = Int64(text, radix: 16) else { throw ExprError(.syntax, "invalid number", column: column) }
            return .int(value)
        }
        var isFloat = false
        while let d = peek() {
            if d.isNumber || d == "_" {
                if d != "_" { text.append(d) }
            } else if d == ".", !isFloat, peek(1) != "." {
                isFloat = true
                text.append(d)
            } else if d == "e" || d == "E" {
                isFloat = true
                text.append(d)
                if let sign = peek(1), sign == "+" || sign == "-" {
                    text.append(sign)
                    position += 1
                }
            } else {
                break
            }
            position += 1
        }
        if isFloat, let value = Double(text) { return .float(value) }
        if !isFloat, let value = Int64(text) { return .int(value) }
        throw ExprError(.syntax, "invalid number \(text)", column: column)
    }

    private mutating func quoted(_ quote: Character, column: Int) throws(ExprError) -> String {
        position += 1
        var text = ""
        while let c = peek() {
            position += 1
            if c == quote { return text }
            guard c == "\\" else {
                text.append(c)
                continue
            }
            guard let escaped = peek() else { break }
            position += 1
            switch escaped {
            case "n": text.append("\n")
            case "t": text.append("\t")
            case "r": text.append("\r")
            case "0": text.append("\0")
            case "u":
                let hex = String((0..<4).compactMap { peek($0) })
                guard hex.count == 4, let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else {
                    throw ExprError(.syntax, "invalid escape \\u\(hex)", column: position)
                }
                text.unicodeScalars.append(scalar)
                position += 4
            default: text.append(escaped)
            }
        }
        throw ExprError(.syntax, "literal not terminated", column: column)
    }

    private mutating func raw(column: Int) throws(ExprError) -> String {
        position += 1
        var text = ""
        while let c = peek() {
            position += 1
            if c == "`" { return text }
            text.append(c)
        }
        throw ExprError(.syntax, "literal not terminated", column: column)
    }
}
