/// The record framing of MCAP (https://mcap.dev/spec): every record is an opcode byte, a u64
/// little-endian content length and the content; integers are little-endian, strings and byte
/// arrays carry a u32 length, maps a u32 byte length.
enum MCAPRecord {
    static let magic: [UInt8] = [0x89, 0x4D, 0x43, 0x41, 0x50, 0x30, 0x0D, 0x0A]  // \x89MCAP0\r\n

    /// The record types camrec writes.
    enum Opcode: UInt8 {
        case header = 0x01, footer = 0x02, schema = 0x03, channel = 0x04, message = 0x05, chunk = 0x06
        case messageIndex = 0x07, chunkIndex = 0x08, statistics = 0x0B, metadata = 0x0C, metadataIndex = 0x0D
        case summaryOffset = 0x0E, dataEnd = 0x0F
    }

    /// A whole record: opcode, length, content.
    static func record(_ opcode: Opcode, _ content: [UInt8]) -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(9 + content.count)
        bytes.append(opcode.rawValue)
        bytes.appendInteger(UInt64(content.count))
        bytes += content
        return bytes
    }

    /// An MCAP `Map<string, string>`: u32 byte length, then key/value strings in key order (so
    /// the same map always gives the same bytes).
    static func stringMap(_ map: [String: String]) -> [UInt8] {
        var entries = [UInt8]()
        for (key, value) in map.sorted(by: { $0.key < $1.key }) {
            entries.appendString(key)
            entries.appendString(value)
        }
        var bytes = [UInt8]()
        bytes.appendInteger(UInt32(entries.count))
        return bytes + entries
    }
}

extension [UInt8] {
    mutating func appendInteger<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    /// An MCAP string: u32 byte length, then UTF-8.
    mutating func appendString(_ text: String) {
        let utf8 = Array(text.utf8)
        appendInteger(UInt32(utf8.count))
        append(contentsOf: utf8)
    }
}
