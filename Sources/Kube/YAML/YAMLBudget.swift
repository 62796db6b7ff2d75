import Yams

/// What decoding one YAML stream may cost: a node count linear in the source size (so an alias bomb, which
/// repeats anchored nodes, stops early instead of expanding millions of times) and the shared nesting depth.
struct YAMLBudget {
    /// Nodes the stream may produce: generous for real manifests (one node takes at least two bytes of
    /// source), small enough that aliases cannot multiply a small body into a large one.
    let maximumNodes: Int
    var nodes = 0

    init(sourceBytes: Int) {
        maximumNodes = 10_000 + sourceBytes
    }

    mutating func spend(_ node: Node, depth: Int) throws(YAMLError) {
        nodes += 1
        if nodes > maximumNodes {
            throw YAMLError(
                message: "invalid YAML: the document expands to more than \(maximumNodes) nodes (aliases expanded)"
                    + locationSuffix(node))
        }
        if depth >= JSON.maximumDepth {
            throw YAMLError(
                message: "invalid YAML: nesting deeper than \(JSON.maximumDepth) levels" + locationSuffix(node))
        }
    }

    func locationSuffix(_ node: Node) -> String {
        node.mark.map { " at line \($0.line), column \($0.column)" } ?? ""
    }

    /// A Yams error as a position and a problem: the offending source line is left out, because manifests
    /// hold Secrets and a quoted line would carry their values into conditions, Events and logs.
    static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let during = context.map { "\($0.text), " } ?? ""
            return "line \(mark.line), column \(mark.column): \(during)\(problem)"
        case .reader(let problem, let offset, _, _):
            return "\(problem)" + (offset.map { " at byte \($0)" } ?? "")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return "line \(context.mark.line), column \(context.mark.column): duplicated keys "
                + duplicates.sorted().joined(separator: ", ")
        default:
            return error.description
        }
    }
}
