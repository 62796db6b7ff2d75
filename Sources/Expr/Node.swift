/// A parsed expression: the tree `Parser` builds and `Evaluator` walks.
indirect enum Node: Sendable, Equatable {
    case literal(ExprValue)
    /// A name from the environment (`result`).
    case name(String, column: Int)
    /// `#`, the element a closure is looking at.
    case pointer
    case unary(String, Node)
    case binary(String, Node, Node)
    /// `a ? b : c`
    case conditional(Node, Node, Node)
    /// `a.b`, or `a?.b` when `optional`.
    case member(Node, String, optional: Bool)
    /// `a[i]`, or `a?.[i]` when `optional`.
    case index(Node, Node, optional: Bool)
    /// `a[from:to]`
    case slice(Node, Node?, Node?)
    /// A function call; `column` is where its name starts, for messages.
    case call(String, [Node], column: Int)
    /// A predicate or mapping passed to `all`, `filter`, `map` and the like: evaluated once per element.
    case closure(Node)
    case array([Node])
    case map([(key: String, value: Node)])

    static func == (lhs: Node, rhs: Node) -> Bool { String(describing: lhs) == String(describing: rhs) }
}
