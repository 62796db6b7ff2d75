/// A precedence-climbing parser for expr-lang as Argo Rollouts' conditions use it. Precedences are expr-lang's:
/// `or`/`||` 10, `and`/`&&` 15, comparisons and `in`/`matches`/`contains`/`startsWith`/`endsWith` 20, `..` 25,
/// `+ -` 30, `* / %` 60, `** ^` 100 (right-associative), `??` 500; unary `!`/`not` bind at 50 and `-`/`+` at 90;
/// the ternary is lowest.
struct Parser {
    static let binaryPrecedence: [String: Int] = [
        "or": 10, "||": 10, "and": 15, "&&": 15,
        "==": 20, "!=": 20, "<": 20, ">": 20, "<=": 20, ">=": 20,
        "in": 20, "matches": 20, "contains": 20, "startsWith": 20, "endsWith": 20,
        "..": 25, "+": 30, "-": 30, "*": 60, "/": 60, "%": 60, "**": 100, "^": 100, "??": 500,
    ]
    static let closureFunctions: Set<String> = [
        "all", "any", "none", "one", "filter", "map", "count", "find", "findIndex", "findLast", "findLastIndex",
    ]

    private var tokens: [Token]
    private var position = 0

    init(tokens: [Token]) { self.tokens = tokens }

    static func parse(_ source: String) throws(ExprError) -> Node {
        var parser = Parser(tokens: try Lexer.tokens(source))
        let node = try parser.expression(0)
        let rest = parser.current
        guard rest.kind == .end else { throw ExprError(.syntax, "unexpected token \(rest.kind)", column: rest.column) }
        return node
    }

    private var current: Token { tokens[position] }
    private var following: Token { tokens[min(position + 1, tokens.count - 1)] }

    private mutating func advance() -> Token {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    private mutating func expect(_ symbol: String) throws(ExprError) {
        guard current.is(symbol) else {
            let found = current.kind == .end ? "end of expression" : "\(current.kind)"
            throw ExprError(.syntax, "expected \(symbol), found \(found)", column: current.column)
        }
        _ = advance()
    }

    /// The binary operator at the current token, with how many tokens it spans (`not in` spans two).
    private func binaryOperator() -> (name: String, width: Int)? {
        if current.is("not"), following.is("in") { return ("not in", 2) }
        switch current.kind {
        case .symbol(let symbol) where Self.binaryPrecedence[symbol] != nil: return (symbol, 1)
        case .identifier(let word) where Self.binaryPrecedence[word] != nil: return (word, 1)
        default: return nil
        }
    }

    mutating func expression(_ minimum: Int) throws(ExprError) -> Node {
        var left = try unary()
        while let (name, width) = binaryOperator() {
            let precedence = Self.binaryPrecedence[name == "not in" ? "in" : name] ?? 0
            guard precedence >= minimum else { break }
            for _ in 0..<width { _ = advance() }
            let rightAssociative = name == "**" || name == "^"
            let right = try expression(rightAssociative ? precedence : precedence + 1)
            left = .binary(name, left, right)
        }
        if minimum == 0, current.is("?") {
            _ = advance()
            let then = try expression(0)
            try expect(":")
            let otherwise = try expression(0)
            left = .conditional(left, then, otherwise)
        }
        return left
    }

    private mutating func unary() throws(ExprError) -> Node {
        if current.is("!") || current.is("not") {
            _ = advance()
            return .unary("!", try expression(50))
        }
        if current.is("-") || current.is("+") {
            let sign = advance()
            return .unary(sign.is("-") ? "-" : "+", try expression(90))
        }
        return try postfix(try primary())
    }

    private mutating func primary() throws(ExprError) -> Node {
        let token = advance()
        switch token.kind {
        case .number(let value): return .literal(value)
        case .string(let text): return .literal(.string(text))
        case .pointer: return .pointer
        case .identifier("true"): return .literal(.bool(true))
        case .identifier("false"): return .literal(.bool(false))
        case .identifier("nil"): return .literal(.null)
        case .identifier(let name):
            guard current.is("(") else { return .name(name, column: token.column) }
            return try call(name, column: token.column)
        case .symbol("("):
            let inner = try expression(0)
            try expect(")")
            return inner
        case .symbol("["):
            return .array(try list(until: "]"))
        case .symbol("{"):
            return try mapLiteral()
        case .symbol("."):
            // `.field` inside a closure is `#.field`.
            guard case .identifier(let field) = advance().kind else {
                throw ExprError(.syntax, "expected a field name after .", column: token.column)
            }
            return .member(.pointer, field, optional: false)
        case .end:
            throw ExprError(.syntax, "unexpected end of expression", column: token.column)
        default:
            throw ExprError(.syntax, "unexpected token \(token.kind)", column: token.column)
        }
    }

    private mutating func postfix(_ base: Node) throws(ExprError) -> Node {
        var node = base
        while true {
            if current.is(".") || current.is("?.") {
                let optional = advance().is("?.")
                if current.is("[") {
                    _ = advance()
                    node = .index(node, try expression(0), optional: optional)
                    try expect("]")
                    continue
                }
                guard case .identifier(let field) = current.kind else {
                    throw ExprError(.syntax, "expected a field name", column: current.column)
                }
                _ = advance()
                node = .member(node, field, optional: optional)
            } else if current.is("[") {
                _ = advance()
                node = try indexOrSlice(node)
            } else {
                return node
            }
        }
    }

    private mutating func indexOrSlice(_ base: Node) throws(ExprError) -> Node {
        if current.is(":") {
            _ = advance()
            let to = current.is("]") ? nil : try expression(0)
            try expect("]")
            return .slice(base, nil, to)
        }
        let index = try expression(0)
        if current.is(":") {
            _ = advance()
            let to = current.is("]") ? nil : try expression(0)
            try expect("]")
            return .slice(base, index, to)
        }
        try expect("]")
        return .index(base, index, optional: false)
    }

    private mutating func call(_ name: String, column: Int) throws(ExprError) -> Node {
        try expect("(")
        guard Self.closureFunctions.contains(name) else { return .call(name, try list(until: ")"), column: column) }
        let collection = try expression(0)
        try expect(",")
        let body: Node
        if current.is("{") {
            _ = advance()
            body = try expression(0)
            try expect("}")
        } else {
            body = try expression(0)
        }
        try expect(")")
        return .call(name, [collection, .closure(body)], column: column)
    }

    private mutating func list(until close: String) throws(ExprError) -> [Node] {
        var items: [Node] = []
        while !current.is(close) {
            items.append(try expression(0))
            guard current.is(",") else { break }
            _ = advance()
        }
        try expect(close)
        return items
    }

    private mutating func mapLiteral() throws(ExprError) -> Node {
        var entries: [(key: String, value: Node)] = []
        while !current.is("}") {
            let keyToken = advance()
            let key: String
            switch keyToken.kind {
            case .identifier(let word): key = word
            case .string(let text): key = text
            case .number(let value): key = value.description
            default: throw ExprError(.syntax, "a map key must be a name or a string", column: keyToken.column)
            }
            try expect(":")
            entries.append((key, try expression(0)))
            guard current.is(",") else { break }
            _ = advance()
        }
        try expect("}")
        return .map(entries)
    }
}
