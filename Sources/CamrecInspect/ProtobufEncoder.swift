/// Writes protocol buffers in their wire format (https://protobuf.dev/programming-guides/encoding/):
/// varints, fixed32 and length-delimited fields, for the few messages the MCAP export writes by
/// hand (proto/). Fields are written in the order they are appended; a field equal to its proto3
/// default (0, empty) is left out, as protobuf's own encoders do.
///
/// The last field of an image message is its bytes, which can be megabytes: `lengthPrefix(field:length:)`
/// writes only its tag and length, and the caller appends the bytes straight into the chunk being
/// built, so they are copied once.
struct ProtobufEncoder {
    private(set) var bytes: [UInt8] = []

    /// Wire types (the low three bits of a tag).
    enum WireType: UInt64 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case fixed32 = 5
    }

    mutating func tag(_ field: UInt32, _ type: WireType) {
        Self.appendVarint(UInt64(field) << 3 | type.rawValue, to: &bytes)
    }

    /// An unsigned varint field (uint32, uint64, enum); left out when 0.
    mutating func varint(_ field: UInt32, _ value: UInt64) {
        guard value != 0 else { return }
        tag(field, .varint)
        Self.appendVarint(value, to: &bytes)
    }

    /// An int32 or int64 field: negative values as their 64-bit two's complement (ten bytes), as
    /// protobuf specifies for those types; left out when 0.
    mutating func signedVarint(_ field: UInt32, _ value: Int64) {
        varint(field, UInt64(bitPattern: value))
    }

    /// A fixed32 field, four bytes little-endian; left out when 0.
    mutating func fixed32(_ field: UInt32, _ value: UInt32) {
        guard value != 0 else { return }
        tag(field, .fixed32)
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A string field (UTF-8); left out when empty.
    mutating func string(_ field: UInt32, _ text: String) {
        guard !text.isEmpty else { return }
        let utf8 = Array(text.utf8)
        lengthPrefix(field: field, length: utf8.count)
        bytes += utf8
    }

    /// A bytes field; left out when empty.
    mutating func data(_ field: UInt32, _ value: [UInt8]) {
        guard !value.isEmpty else { return }
        lengthPrefix(field: field, length: value.count)
        bytes += value
    }

    /// An embedded message field, written even when empty when `always` is set (a repeated
    /// message's elements must all be there, empty or not).
    mutating func message(_ field: UInt32, _ message: ProtobufEncoder, always: Bool = false) {
        guard always || !message.bytes.isEmpty else { return }
        lengthPrefix(field: field, length: message.bytes.count)
        bytes += message.bytes
    }

    /// The tag and length of a length-delimited field whose `length` bytes the caller writes next.
    mutating func lengthPrefix(field: UInt32, length: Int) {
        tag(field, .lengthDelimited)
        Self.appendVarint(UInt64(length), to: &bytes)
    }

    /// A `google.protobuf.Timestamp` from nanoseconds: seconds rounded down and nanos in
    /// 0...999,999,999, as the well-known type requires (so a time before 1970 has negative seconds).
    static func timestamp(nanoseconds: Int64) -> ProtobufEncoder {
        var seconds = nanoseconds / 1_000_000_000
        var nanos = nanoseconds % 1_000_000_000
        if nanos < 0 {
            seconds -= 1
            nanos += 1_000_000_000
        }
        var message = ProtobufEncoder()
        message.signedVarint(1, seconds)
        message.signedVarint(2, nanos)
        return message
    }

    /// Base-128 varint: seven bits a byte, least significant first, the high bit set on all but the last.
    static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }
}
