/// Protocol buffers' wire format, written. Scalars at their zero value are left out, as proto3 writers leave
/// them out; a nested message is always written, since its presence means something.
struct ProtoWriter {
    private(set) var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7f) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    private mutating func key(_ number: Int, _ wireType: UInt64) {
        varint(UInt64(number) << 3 | wireType)
    }

    /// A string field; with `keepEmpty`, an empty string too (an element of a repeated field).
    mutating func string(_ number: Int, _ value: String, keepEmpty: Bool = false) {
        guard keepEmpty || !value.isEmpty else { return }
        key(number, 2)
        let utf8 = Array(value.utf8)
        varint(UInt64(utf8.count))
        bytes += utf8
    }

    mutating func bool(_ number: Int, _ value: Bool) {
        guard value else { return }
        key(number, 0)
        varint(1)
    }

    mutating func int64(_ number: Int, _ value: Int64) {
        guard value != 0 else { return }
        key(number, 0)
        varint(UInt64(bitPattern: value))
    }

    mutating func double(_ number: Int, _ value: Double) {
        guard value != 0 else { return }
        key(number, 1)
        var bits = value.bitPattern
        for _ in 0..<8 {
            bytes.append(UInt8(bits & 0xff))
            bits >>= 8
        }
    }

    /// A nested message, built by `build`.
    mutating func message(_ number: Int, _ build: (inout ProtoWriter) -> Void) {
        var nested = ProtoWriter()
        build(&nested)
        key(number, 2)
        varint(UInt64(nested.bytes.count))
        bytes += nested.bytes
    }
}
