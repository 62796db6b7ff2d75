import Yams

/// An error reading YAML, naming the document and the position where it went wrong.
public struct YAMLError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}

/// YAML in and out of `JSON` values. Yams stays inside this file: callers only see `JSON`.
public enum YAML {
    /// Parses every document of a multi-document YAML stream; empty documents are skipped.
    /// Aliases may not expand the stream past `YAMLBudget`'s node count, and nesting is limited to
    /// `JSON.maximumDepth`, as kube-apiserver's decoder limits both; errors name line and column, never content.
    public static func parseAll(_ text: String) throws(YAMLError) -> [JSON] {
        do {
            var documents: [JSON] = []
            let parser = try Parser(yaml: text)
            var budget = YAMLBudget(sourceBytes: text.utf8.count)
            while let node = try parser.nextRoot() {
                let value = try json(from: node, depth: 0, budget: &budget)
                if value != .null { documents.append(value) }
            }
            return documents
        } catch let error as YAMLError {
            throw error
        } catch let error as YamlError {
            throw YAMLError(message: "invalid YAML: \(YAMLBudget.describe(error))")
        } catch {
            throw YAMLError(message: "invalid YAML: \(error)")
        }
    }

    /// Parses a stream that must hold exactly one document (an empty stream gives `null`).
    public static func parse(_ text: String) throws(YAMLError) -> JSON {
        let documents = try parseAll(text)
        guard documents.count <= 1 else {
            throw YAMLError(message: "expected one YAML document, found \(documents.count)")
        }
        return documents.first ?? .null
    }

    /// Parses YAML or JSON bytes (JSON is valid YAML, but the JSON parser is much faster).
    public static func parseYAMLOrJSON(_ bytes: [UInt8]) throws(YAMLError) -> JSON {
        if let first = bytes.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }),
            first == UInt8(ascii: "{")
        {
            do { return try JSON.parse(bytes) } catch { throw YAMLError(message: error.description) }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw YAMLError(message: "body is not UTF-8 text")
        }
        return try parse(text)
    }

    /// Renders one value as a YAML document (block style, keys sorted).
    public static func render(_ value: JSON) -> String {
        (try? Yams.serialize(node: node(from: value), sortKeys: true)) ?? value.serialized()
    }

    /// Renders values as a multi-document stream separated by `---`.
    public static func renderAll(_ values: [JSON]) -> String {
        values.map(render).joined(separator: "---\n")
    }

    static func json(from node: Node, depth: Int, budget: inout YAMLBudget) throws -> JSON {
        try budget.spend(node, depth: depth)
        switch node {
        case .scalar(let scalar):
            let tag = Tag.Name(rawValue: node.tag.rawValue)
            switch tag {
            case .null: return .null
            case .bool: return node.bool.map(JSON.bool) ?? .string(scalar.string)
            case .int:
                if let i = node.int { return .int(Int64(i)) }
                return .string(scalar.string)
            case .float: return node.float.map(JSON.double) ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .mapping(let mapping):
            var object: [String: JSON] = [:]
            for (key, value) in mapping {
                guard let name = key.string else {
                    throw YAMLError(
                        message: "mapping key at line \((key.mark?.line).map(String.init) ?? "?") is not a scalar")
                }
                object[name] = try json(from: value, depth: depth + 1, budget: &budget)
            }
            return .object(object)
        case .sequence(let sequence):
            var array: [JSON] = []
            array.reserveCapacity(sequence.count)
            for element in sequence { array.append(try json(from: element, depth: depth + 1, budget: &budget)) }
            return .array(array)
        case .alias:
            throw YAMLError(message: "YAML aliases are not supported in manifests")
        }
    }

    static func node(from value: JSON) -> Node {
        switch value {
        case .null: return Node("null")
        case .bool(let b): return Node(b ? "true" : "false")
        case .int(let i): return Node(String(i))
        case .double(let d): return Node(JSON.double(d).serialized())
        case .string(let s):
            let plain = Node(s)
            if s.isEmpty || Resolver.default.resolveTag(of: plain) != .str
                || s.contains("\n") == false && s != s.trimmingSpaces
            {
                return Node(s, .implicit, .doubleQuoted)
            }
            return s.contains("\n") ? Node(s, .implicit, .literal) : plain
        case .array(let a): return Node(a.map(node(from:)))
        case .object(let o): return Node(o.keys.sorted().map { (Node($0), node(from: o[$0]!)) })
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
