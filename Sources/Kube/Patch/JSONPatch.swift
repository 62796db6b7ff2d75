import Foundation

/// JSON patch (RFC 6902): a list of `add`, `remove`, `replace`, `move`, `copy` and `test` operations
/// addressed by JSON pointers (RFC 6901).
public enum JSONPatch {
    /// The most operations one patch may hold (kube-apiserver's limit).
    public static let maximumOperations = 10_000

    /// Applies `patch` to `target`. The document may not grow past `maximumBytes` on the way: every value an
    /// operation adds is counted as it is added, so a chain of `copy` operations that doubles the document
    /// fails at the bound instead of building gigabytes first.
    public static func apply(_ patch: JSON, to target: JSON, maximumBytes: Int = .max) throws(PatchError) -> JSON {
        guard case .array(let operations) = patch else {
            throw PatchError("a JSON patch must be an array of operations")
        }
        guard operations.count <= maximumOperations else {
            throw PatchError("the patch has \(operations.count) operations, more than the \(maximumOperations) allowed")
        }
        var document = target
        var size = target.estimatedSize(upTo: maximumBytes)
        func grow(by value: JSON) throws(PatchError) {
            size += value.estimatedSize(upTo: maximumBytes)
            if size > maximumBytes {
                throw PatchError("the patched object would be larger than \(maximumBytes) bytes")
            }
        }
        for (i, operation) in operations.enumerated() {
            guard let op = operation["op"]?.stringValue, let path = operation["path"]?.stringValue else {
                throw PatchError("operation \(i) needs \"op\" and \"path\"")
            }
            let pointer = try JSONPointer(path)
            switch op {
            case "add":
                guard let value = operation["value"] else { throw PatchError("operation \(i) (add) needs \"value\"") }
                try grow(by: value)
                document = try pointer.adding(value, to: document)
            case "remove":
                document = try pointer.removing(from: document).document
            case "replace":
                guard let value = operation["value"] else {
                    throw PatchError("operation \(i) (replace) needs \"value\"")
                }
                try grow(by: value)
                document = try pointer.adding(value, to: pointer.removing(from: document).document)
            case "move", "copy":
                guard let from = operation["from"]?.stringValue else {
                    throw PatchError("operation \(i) (\(op)) needs \"from\"")
                }
                let source = try JSONPointer(from)
                let value: JSON
                if op == "move" {
                    (document, value) = try source.removing(from: document)
                } else {
                    value = try source.value(in: document)
                    try grow(by: value)
                }
                document = try pointer.adding(value, to: document)
            case "test":
                guard let value = operation["value"] else { throw PatchError("operation \(i) (test) needs \"value\"") }
                guard try pointer.value(in: document) == value else { throw PatchError("test failed at \(path)") }
            default:
                throw PatchError("operation \(i) has unknown op \"\(op)\"")
            }
        }
        return document
    }
}

/// A JSON pointer (RFC 6901), such as `/spec/containers/0/image`.
public struct JSONPointer: Sendable, Hashable {
    public var tokens: [String]

    public init(_ text: String) throws(PatchError) {
        if text.isEmpty {
            tokens = []
            return
        }
        guard text.hasPrefix("/") else { throw PatchError("JSON pointer \"\(text)\" must start with /") }
        tokens = text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences("~1", "/").replacingOccurrences("~0", "~")
        }
    }

    public func value(in document: JSON) throws(PatchError) -> JSON {
        var current = document
        for token in tokens {
            switch current {
            case .object(let o):
                guard let next = o[token] else { throw PatchError("path \(self) does not exist") }
                current = next
            case .array(let a):
                guard let i = Int(token), a.indices.contains(i) else { throw PatchError("index \(token) out of range") }
                current = a[i]
            default: throw PatchError("path \(self) does not exist")
            }
        }
        return current
    }

    func adding(_ value: JSON, to document: JSON) throws(PatchError) -> JSON {
        try Self.add(value, at: tokens[...], in: document)
    }

    static func add(_ value: JSON, at tokens: ArraySlice<String>, in node: JSON) throws(PatchError) -> JSON {
        guard let token = tokens.first else { return value }
        let rest = tokens.dropFirst()
        switch node {
        case .object(var o):
            if rest.isEmpty {
                o[token] = value
            } else {
                guard let child = o[token] else { throw PatchError("path segment \"\(token)\" does not exist") }
                o[token] = try add(value, at: rest, in: child)
            }
            return .object(o)
        case .array(var a):
            if rest.isEmpty {
                if token == "-" { a.append(value); return .array(a) }
                guard let i = Int(token), i >= 0, i <= a.count else { throw PatchError("index \(token) out of range") }
                a.insert(value, at: i)
            } else {
                guard let i = Int(token), a.indices.contains(i) else { throw PatchError("index \(token) out of range") }
                a[i] = try add(value, at: rest, in: a[i])
            }
            return .array(a)
        default:
            throw PatchError("cannot add under a scalar at \"\(token)\"")
        }
    }

    func removing(from document: JSON) throws(PatchError) -> (document: JSON, removed: JSON) {
        guard !tokens.isEmpty else { throw PatchError("cannot remove the whole document") }
        var removed = JSON.null
        let result = try Self.remove(at: tokens[...], in: document, removed: &removed)
        return (result, removed)
    }

    static func remove(at tokens: ArraySlice<String>, in node: JSON, removed: inout JSON) throws(PatchError) -> JSON {
        let token = tokens.first!
        let rest = tokens.dropFirst()
        switch node {
        case .object(var o):
            guard let child = o[token] else { throw PatchError("path segment \"\(token)\" does not exist") }
            if rest.isEmpty {
                removed = child
                o[token] = nil
            } else {
                o[token] = try remove(at: rest, in: child, removed: &removed)
            }
            return .object(o)
        case .array(var a):
            guard let i = Int(token), a.indices.contains(i) else { throw PatchError("index \(token) out of range") }
            if rest.isEmpty {
                removed = a.remove(at: i)
            } else {
                a[i] = try remove(at: rest, in: a[i], removed: &removed)
            }
            return .array(a)
        default:
            throw PatchError("path segment \"\(token)\" does not exist")
        }
    }
}

extension JSONPointer: CustomStringConvertible {
    public var description: String {
        tokens.map { "/" + $0.replacingOccurrences("~", "~0").replacingOccurrences("/", "~1") }.joined()
    }
}

extension StringProtocol {
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        guard !target.isEmpty else { return String(self) }
        var result = ""
        var rest = Substring(self)
        while let range = rest.range(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
