/// One event of a watch stream.
public struct WatchEvent: Sendable, Hashable {
    /// ADDED, MODIFIED, DELETED, BOOKMARK (a resourceVersion checkpoint) or ERROR (a `Status`).
    public enum EventType: String, Sendable {
        case added = "ADDED"
        case modified = "MODIFIED"
        case deleted = "DELETED"
        case bookmark = "BOOKMARK"
        case error = "ERROR"
    }

    public var type: EventType
    public var object: KubeObject

    public init(type: EventType, object: KubeObject) {
        self.type = type
        self.object = object
    }

    /// The wire form: `{"type":"ADDED","object":{...}}`.
    public var json: JSON { ["type": .string(type.rawValue), "object": object.json] }
}

/// Splits a byte stream into lines, keeping partial lines across chunks (a chunk need not end in a newline).
public struct LineSplitter: Sendable {
    var pending: [UInt8] = []
    let maximumLineLength: Int

    public init(maximumLineLength: Int = 64 * 1024 * 1024) { self.maximumLineLength = maximumLineLength }

    /// Feeds a chunk; returns the complete lines it finished.
    public mutating func feed(_ chunk: some Collection<UInt8>) throws(KubeError) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        for byte in chunk {
            if byte == 0x0A {
                if !pending.isEmpty { lines.append(pending) }
                pending.removeAll(keepingCapacity: true)
            } else {
                pending.append(byte)
                if pending.count > maximumLineLength {
                    throw KubeError(
                        code: 0, reason: .invalidResponse, message: "watch event over \(maximumLineLength) bytes")
                }
            }
        }
        return lines
    }

    /// What is left when the stream ends (a last line without a newline).
    public mutating func finish() -> [UInt8]? {
        defer { pending = [] }
        return pending.isEmpty ? nil : pending
    }
}
