/// Protocol buffers' wire format, read: a message is a sequence of fields, each a number and a value that is
/// a varint, 64-bit, length-delimited bytes or 32-bit.
struct ProtoWire {
    enum Value: Equatable {
        case varint(UInt64)
        case fixed64(UInt64)
        case bytes(ArraySlice<UInt8>)
        case fixed32(UInt32)
    }

    struct Field {
        var number: Int
        var value: Value
    }

    /// The fields of one message, in order.
    static func fields(_ bytes: ArraySlice<UInt8>) throws(ProtoError) -> [Field] {
        var fields: [Field] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let key = try varint(bytes, &index)
            let number = Int(key >> 3)
            guard number > 0 else { throw ProtoError("field number 0") }
            switch key & 7 {
            case 0: fields.append(Field(number: number, value: .varint(try varint(bytes, &index))))
            case 1:
                guard bytes.endIndex - index >= 8 else { throw ProtoError("truncated 64-bit field \(number)") }
                let value = bytes[index..<index + 8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                index += 8
                fields.append(Field(number: number, value: .fixed64(value)))
            case 2:
                let length = try varint(bytes, &index)
                guard length <= UInt64(bytes.endIndex - index) else { throw ProtoError("truncated field \(number)") }
                let end = index + Int(length)
                fields.append(Field(number: number, value: .bytes(bytes[index..<end])))
                index = end
            case 5:
                guard bytes.endIndex - index >= 4 else { throw ProtoError("truncated 32-bit field \(number)") }
                let value = bytes[index..<index + 4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                index += 4
                fields.append(Field(number: number, value: .fixed32(value)))
            default: throw ProtoError("unsupported wire type \(key & 7) in field \(number)")
            }
        }
        return fields
    }

    static func varint(_ bytes: ArraySlice<UInt8>, _ index: inout Int) throws(ProtoError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.endIndex {
            let byte = bytes[index]
            index += 1
            guard shift < 64 else { throw ProtoError("varint too long") }
            result |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
        throw ProtoError("truncated varint")
    }
}

/// A protobuf body that cannot be read.
struct ProtoError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
