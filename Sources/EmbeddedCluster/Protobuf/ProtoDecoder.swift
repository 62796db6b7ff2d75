import Foundation
import Kube

/// Reads a Kubernetes protobuf request body (`application/vnd.kubernetes.protobuf`): the `k8s\0` magic, a
/// `runtime.Unknown` envelope naming apiVersion and kind, and the object's message, turned into the JSON
/// object the same request in JSON would have carried (Go's `omitempty`: zero scalars left out unless the Go
/// field is a pointer). Kinds and fields beyond `ProtoSchema` are refused with a 415 that names them.
enum ProtoDecoder {
    static let magic: [UInt8] = [0x6b, 0x38, 0x73, 0x00]

    static func object(from body: [UInt8]) throws(KubeError) -> JSON {
        do {
            guard body.starts(with: magic) else { throw ProtoError("the body does not start with the k8s magic") }
            var typeMeta: [String: String] = [:]
            var raw: ArraySlice<UInt8> = []
            for field in try ProtoWire.fields(body[4...]) {
                if field.number == 1, case .bytes(let bytes) = field.value {
                    for meta in try ProtoWire.fields(bytes) {
                        guard case .bytes(let text) = meta.value else { continue }
                        typeMeta[meta.number == 1 ? "apiVersion" : "kind"] = String(decoding: text, as: UTF8.self)
                    }
                } else if field.number == 2, case .bytes(let bytes) = field.value {
                    raw = bytes
                }
            }
            let apiVersion = typeMeta["apiVersion"] ?? ""
            let kind = typeMeta["kind"] ?? ""
            guard let message = ProtoSchema.kinds["\(apiVersion)/\(kind)"] else {
                throw ProtoError("\(apiVersion) \(kind) is not among the kinds read from protobuf")
            }
            var object = try decode(raw, message: message)
            object["apiVersion"] = .string(apiVersion)
            object["kind"] = .string(kind)
            return object
        } catch {
            throw KubeError(
                code: 415, reason: .unsupportedMediaType,
                message:
                    "the embedded cluster cannot read this protobuf body (\(error)); send the object as "
                    + "YAML or JSON, e.g. `kubectl create ... --dry-run=client -o yaml | kubectl apply -f -`")
        }
    }

    static func decode(_ bytes: ArraySlice<UInt8>, message: String) throws(ProtoError) -> JSON {
        guard let schema = ProtoSchema.messages[message] else { throw ProtoError("no schema for \(message)") }
        var members: [String: JSON] = [:]
        for field in try ProtoWire.fields(bytes) {
            guard let spec = schema[field.number] else {
                // Go's protobuf writes every non-pointer field, zero or not; a zero one says nothing.
                if field.value == .varint(0) || field.value == .bytes([]) { continue }
                throw ProtoError("field \(field.number) of \(message) is not read")
            }
            if case .ignored = spec.kind { continue }
            if case .map(let valueKind) = spec.kind {
                guard case .bytes(let entry) = field.value else {
                    throw ProtoError("\(message).\(spec.name) is not a map")
                }
                var key = ""
                var value: JSON = try zero(valueKind)
                for part in try ProtoWire.fields(entry) {
                    if part.number == 1, case .bytes(let text) = part.value {
                        key = String(decoding: text, as: UTF8.self)
                    } else if part.number == 2 {
                        value =
                            try scalar(part.value, kind: valueKind, keepZero: true, at: "\(message).\(spec.name)")
                            ?? .null
                    }
                }
                var map = members[spec.name]?.objectValue ?? [:]
                map[key] = value
                members[spec.name] = .object(map)
                continue
            }
            // A list's elements are kept even when empty (`apiGroups: [""]` is the core group).
            let keep = spec.keepZero || spec.repeated
            guard let value = try scalar(field.value, kind: spec.kind, keepZero: keep, at: "\(message).\(spec.name)")
            else { continue }
            if spec.repeated {
                members[spec.name] = .array((members[spec.name]?.arrayValue ?? []) + [value])
            } else {
                members[spec.name] = value
            }
        }
        return .object(members)
    }

    /// One value; nil when Go's JSON would leave it out (a zero non-pointer scalar, a zero time).
    static func scalar(
        _ value: ProtoWire.Value, kind: ProtoSchema.Kind, keepZero: Bool, at path: String
    )
        throws(ProtoError) -> JSON?
    {
        switch (kind, value) {
        case (.string, .bytes(let text)):
            return text.isEmpty && !keepZero ? nil : .string(String(decoding: text, as: UTF8.self))
        case (.bytes, .bytes(let data)): return .string(Data(data).base64EncodedString())
        case (.int, .varint(let n)): return n == 0 && !keepZero ? nil : .int(Int64(bitPattern: n))
        case (.bool, .varint(let n)): return n == 0 && !keepZero ? nil : .bool(n != 0)
        case (.message(let name), .bytes(let bytes)): return try decode(bytes, message: name)
        case (.quantity, .bytes(let bytes)):
            let parts = try ProtoWire.fields(bytes)
            guard case .bytes(let text)? = parts.first(where: { $0.number == 1 })?.value else { return .string("0") }
            return .string(String(decoding: text, as: UTF8.self))
        case (.time, .bytes(let bytes)):
            var seconds: Int64 = 0
            for part in try ProtoWire.fields(bytes) where part.number == 1 {
                if case .varint(let n) = part.value { seconds = Int64(bitPattern: n) }
            }
            return seconds == 0 ? nil : .string(KubeTime.format(Date(timeIntervalSince1970: TimeInterval(seconds))))
        case (.intOrString, .bytes(let bytes)):
            var type: UInt64 = 0
            var number: Int64 = 0
            var text = ""
            for part in try ProtoWire.fields(bytes) {
                switch (part.number, part.value) {
                case (1, .varint(let t)): type = t
                case (2, .varint(let n)): number = Int64(bitPattern: n)
                case (3, .bytes(let s)): text = String(decoding: s, as: UTF8.self)
                default: break
                }
            }
            return type == 1 ? .string(text) : .int(number)
        default:
            throw ProtoError("\(path) has an unexpected wire type")
        }
    }

    static func zero(_ kind: ProtoSchema.Kind) throws(ProtoError) -> JSON {
        switch kind {
        case .string, .bytes: return ""
        case .quantity: return "0"
        default: return .null
        }
    }
}
