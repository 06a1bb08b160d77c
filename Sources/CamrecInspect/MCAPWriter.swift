/// Writes an MCAP file (https://mcap.dev/spec), the container Foxglove and the `mcap` tools read:
/// magic, a header, schema and channel records, messages, then a data-end record, a summary
/// (schemas, channels, statistics) with its offsets, a footer and the closing magic. Messages
/// are written unchunked, so no compression library is needed; readers fall back to a linear
/// scan, which the summary's statistics keep cheap to plan.
public final class MCAPWriter {
    static let magic: [UInt8] = [0x89, 0x4D, 0x43, 0x41, 0x50, 0x30, 0x0D, 0x0A]  // \x89MCAP0\r\n

    enum Opcode: UInt8 {
        case header = 0x01, footer = 0x02, schema = 0x03, channel = 0x04, message = 0x05
        case statistics = 0x0B, summaryOffset = 0x0E, dataEnd = 0x0F
    }

    private let file: OutputFile
    private var schemaRecords: [[UInt8]] = []
    private var channelRecords: [[UInt8]] = []
    private var messageCount: UInt64 = 0
    private var countsByChannel: [UInt16: UInt64] = [:]
    private var startTime: UInt64?
    private var endTime: UInt64 = 0

    /// Creates the file and writes the magic and the header record.
    public init(path: String, replace: Bool, profile: String = "", library: String) throws(InspectError) {
        file = try OutputFile(path: path, replace: replace)
        try file.write(Self.magic)
        var content = [UInt8]()
        content.appendString(profile)
        content.appendString(library)
        try file.write(Self.record(.header, content))
    }

    /// Adds a schema; `id` must be 1 or more (0 means "no schema" in MCAP).
    public func addSchema(id: UInt16, name: String, encoding: String, data: [UInt8]) throws(InspectError) {
        var content = [UInt8]()
        content.appendInteger(id)
        content.appendString(name)
        content.appendString(encoding)
        content.appendInteger(UInt32(data.count))
        content += data
        let record = Self.record(.schema, content)
        schemaRecords.append(record)
        try file.write(record)
    }

    public func addChannel(id: UInt16, schemaID: UInt16, topic: String, messageEncoding: String,
                           metadata: [String: String]) throws(InspectError) {
        var content = [UInt8]()
        content.appendInteger(id)
        content.appendInteger(schemaID)
        content.appendString(topic)
        content.appendString(messageEncoding)
        var map = [UInt8]()
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            map.appendString(key)
            map.appendString(value)
        }
        content.appendInteger(UInt32(map.count))
        content += map
        let record = Self.record(.channel, content)
        channelRecords.append(record)
        try file.write(record)
    }

    /// Appends a message; times are nanoseconds.
    public func addMessage(channelID: UInt16, sequence: UInt32, logTime: UInt64, publishTime: UInt64,
                           data: [UInt8]) throws(InspectError) {
        var content = [UInt8]()
        content.reserveCapacity(22 + data.count)
        content.appendInteger(channelID)
        content.appendInteger(sequence)
        content.appendInteger(logTime)
        content.appendInteger(publishTime)
        content += data
        try file.write(Self.record(.message, content))
        messageCount += 1
        countsByChannel[channelID, default: 0] += 1
        startTime = min(startTime ?? logTime, logTime)
        endTime = max(endTime, logTime)
    }

    /// Writes the data end, the summary, its offsets, the footer and the closing magic.
    public func finish() throws(InspectError) {
        // data_section_crc 0: "not computed", which the spec allows.
        var dataEnd = [UInt8]()
        dataEnd.appendInteger(UInt32(0))
        try file.write(Self.record(.dataEnd, dataEnd))
        let summaryStart = UInt64(file.size)
        var offsets: [(Opcode, UInt64, UInt64)] = []
        for (opcode, records) in [(Opcode.schema, schemaRecords), (.channel, channelRecords)] where !records.isEmpty {
            let start = UInt64(file.size)
            for record in records { try file.write(record) }
            offsets.append((opcode, start, UInt64(file.size) - start))
        }
        var statistics = [UInt8]()
        statistics.appendInteger(messageCount)
        statistics.appendInteger(UInt16(schemaRecords.count))
        statistics.appendInteger(UInt32(channelRecords.count))
        statistics.appendInteger(UInt32(0))  // attachments
        statistics.appendInteger(UInt32(0))  // metadata
        statistics.appendInteger(UInt32(0))  // chunks
        statistics.appendInteger(startTime ?? 0)
        statistics.appendInteger(endTime)
        var counts = [UInt8]()
        for (channel, count) in countsByChannel.sorted(by: { $0.key < $1.key }) {
            counts.appendInteger(channel)
            counts.appendInteger(count)
        }
        statistics.appendInteger(UInt32(counts.count))
        statistics += counts
        let statisticsStart = UInt64(file.size)
        try file.write(Self.record(.statistics, statistics))
        offsets.append((.statistics, statisticsStart, UInt64(file.size) - statisticsStart))
        let summaryOffsetStart = UInt64(file.size)
        for (opcode, start, length) in offsets {
            var content = [UInt8]()
            content.append(opcode.rawValue)
            content.appendInteger(start)
            content.appendInteger(length)
            try file.write(Self.record(.summaryOffset, content))
        }
        var footer = [UInt8]()
        footer.appendInteger(summaryStart)
        footer.appendInteger(summaryOffsetStart)
        footer.appendInteger(UInt32(0))  // summary_crc: not computed
        try file.write(Self.record(.footer, footer))
        try file.write(Self.magic)
        try file.close()
    }

    static func record(_ opcode: Opcode, _ content: [UInt8]) -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(9 + content.count)
        bytes.append(opcode.rawValue)
        bytes.appendInteger(UInt64(content.count))
        bytes += content
        return bytes
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
