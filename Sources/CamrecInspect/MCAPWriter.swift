/// Writes an indexed, chunked MCAP file (https://mcap.dev/spec), as Foxglove's data platform and
/// other fleet tools index in place: magic, header, metadata, schemas and channels, then messages in
/// zstd-compressed chunks each followed by its message indexes, a data-end record, and a summary
/// (schemas, channels, statistics, metadata index, chunk indexes) with its summary offsets, the
/// footer and the closing magic.
///
/// Memory stays bounded whatever the export's length: one chunk of messages (`chunkSize` bytes,
/// or one message when a message is larger), its message indexes and the compressor's output
/// buffer; the summary's chunk indexes (one per chunk, about 150 bytes per MiB exported) go to a
/// temporary file past 1 MiB (`SpooledRecords`).
public final class MCAPWriter {
    /// 1 MiB of messages before compression: Foxglove recommends chunks of 4 MB or less for files it
    /// reads in place, and writes 1 MB chunks in its own examples
    /// (https://docs.foxglove.dev/docs/data/primary-sites/optimize-mcap-files).
    public static let recommendedChunkSize = 1 << 20

    private let file: OutputFile
    private let compressor: ZstdChunkCompressor
    private let chunkSize: Int

    // The open chunk: its records, times, and per channel the (log time, offset) of each message.
    private var chunk: [UInt8] = []
    private var chunkStartTime: UInt64 = .max
    private var chunkEndTime: UInt64 = 0
    private var chunkMessageIndexes: [UInt16: [UInt8]] = [:]

    // The summary, built as the file is written.
    private var schemaRecords: [UInt8] = []
    private var schemaCount: UInt16 = 0
    private var channelRecords: [UInt8] = []
    private var channelCount: UInt32 = 0
    private let chunkIndexRecords = SpooledRecords()
    private var chunkCount: UInt32 = 0
    private var metadataIndexRecords: [UInt8] = []
    private var metadataCount: UInt32 = 0
    private var messageCount: UInt64 = 0
    private var countsByChannel: [UInt16: UInt64] = [:]
    private var startTime: UInt64?
    private var endTime: UInt64 = 0

    /// Creates the file (refusing an existing one unless `replace`) and writes the magic and the
    /// header record. `compressionLevel`: zstd's level for the chunks (1...19).
    public init(path: String, replace: Bool, profile: String = "", library: String, compressionLevel: Int32 = 3,
                chunkSize: Int = MCAPWriter.recommendedChunkSize) throws(InspectError) {
        compressor = try ZstdChunkCompressor(level: compressionLevel)
        file = try OutputFile(path: path, replace: replace)
        self.chunkSize = max(chunkSize, 1)
        chunk.reserveCapacity(self.chunkSize)
        try file.write(MCAPRecord.magic)
        var content = [UInt8]()
        content.appendString(profile)
        content.appendString(library)
        try file.write(MCAPRecord.record(.header, content))
    }

    /// Adds a schema; `id` must be 1 or more (0 means "no schema" in MCAP). Written before the
    /// chunks and again in the summary.
    public func addSchema(id: UInt16, name: String, encoding: String, data: [UInt8]) throws(InspectError) {
        var content = [UInt8]()
        content.appendInteger(id)
        content.appendString(name)
        content.appendString(encoding)
        content.appendInteger(UInt32(data.count))
        content += data
        let record = MCAPRecord.record(.schema, content)
        schemaRecords += record
        schemaCount += 1
        try writeOutsideChunk(record)
    }

    /// Adds a channel on an added schema. Written before the chunks and again in the summary.
    public func addChannel(id: UInt16, schemaID: UInt16, topic: String, messageEncoding: String,
                           metadata: [String: String]) throws(InspectError) {
        var content = [UInt8]()
        content.appendInteger(id)
        content.appendInteger(schemaID)
        content.appendString(topic)
        content.appendString(messageEncoding)
        content += MCAPRecord.stringMap(metadata)
        let record = MCAPRecord.record(.channel, content)
        channelRecords += record
        channelCount += 1
        try writeOutsideChunk(record)
    }

    /// Adds a metadata record (a named map of strings) and its index entry in the summary.
    public func addMetadata(name: String, _ metadata: [String: String]) throws(InspectError) {
        var content = [UInt8]()
        content.appendString(name)
        content += MCAPRecord.stringMap(metadata)
        let record = MCAPRecord.record(.metadata, content)
        try flushChunk()
        let offset = UInt64(file.size)
        try file.write(record)
        var index = [UInt8]()
        index.appendInteger(offset)
        index.appendInteger(UInt64(record.count))
        index.appendString(name)
        metadataIndexRecords += MCAPRecord.record(.metadataIndex, index)
        metadataCount += 1
    }

    /// Appends a message whose data is `prefix` followed by each of `payloads` (so a large payload
    /// is copied once, into the chunk); times are nanoseconds. Closes the chunk once it holds
    /// `chunkSize` bytes.
    public func addMessage(channelID: UInt16, sequence: UInt32, logTime: UInt64, publishTime: UInt64,
                           prefix: [UInt8], payloads: [[UInt8]] = []) throws(InspectError) {
        let dataLength = payloads.reduce(prefix.count) { $0 + $1.count }
        let offset = UInt64(chunk.count)
        chunk.append(MCAPRecord.Opcode.message.rawValue)
        chunk.appendInteger(UInt64(2 + 4 + 8 + 8 + dataLength))
        chunk.appendInteger(channelID)
        chunk.appendInteger(sequence)
        chunk.appendInteger(logTime)
        chunk.appendInteger(publishTime)
        chunk += prefix
        for payload in payloads { chunk += payload }
        chunkMessageIndexes[channelID, default: []].appendInteger(logTime)
        chunkMessageIndexes[channelID, default: []].appendInteger(offset)
        chunkStartTime = min(chunkStartTime, logTime)
        chunkEndTime = max(chunkEndTime, logTime)
        messageCount += 1
        countsByChannel[channelID, default: 0] += 1
        startTime = min(startTime ?? logTime, logTime)
        endTime = max(endTime, logTime)
        if chunk.count >= chunkSize { try flushChunk() }
    }

    /// Writes a record between chunks (closing the open one first, so records stay in order).
    private func writeOutsideChunk(_ record: [UInt8]) throws(InspectError) {
        try flushChunk()
        try file.write(record)
    }

    /// Writes the open chunk (zstd, or uncompressed when zstd cannot shrink it, as with JPEG
    /// frames), its message index records, and keeps its chunk index for the summary.
    private func flushChunk() throws(InspectError) {
        guard !chunk.isEmpty else { return }
        let chunkStart = UInt64(file.size)
        let uncompressedSize = UInt64(chunk.count)
        let compressedSize: UInt64 = try compressor.compress(chunk, path: file.path) { compressed throws(InspectError) in
            let useZstd = compressed.count < chunk.count
            let compression = useZstd ? "zstd" : ""
            let recordsLength = useZstd ? compressed.count : chunk.count
            var header = [UInt8]()
            header.append(MCAPRecord.Opcode.chunk.rawValue)
            header.appendInteger(UInt64(8 + 8 + 8 + 4 + 4 + compression.utf8.count + 8 + recordsLength))
            header.appendInteger(chunkStartTime)
            header.appendInteger(chunkEndTime)
            header.appendInteger(uncompressedSize)
            header.appendInteger(UInt32(0))  // uncompressed_crc: 0 = not computed, which the spec allows
            header.appendString(compression)
            header.appendInteger(UInt64(recordsLength))
            try file.write(header)
            if useZstd {
                try file.write(compressed)
            } else {
                try file.write(chunk)
            }
            return UInt64(recordsLength)
        }
        let chunkLength = UInt64(file.size) - chunkStart
        let compression = compressedSize < uncompressedSize ? "zstd" : ""
        // One message index record per channel in the chunk, in channel order.
        let messageIndexStart = UInt64(file.size)
        var offsets = [UInt8]()
        for channel in chunkMessageIndexes.keys.sorted() {
            guard let entries = chunkMessageIndexes[channel] else { continue }
            offsets.appendInteger(channel)
            offsets.appendInteger(UInt64(file.size))
            var content = [UInt8]()
            content.reserveCapacity(6 + entries.count)
            content.appendInteger(channel)
            content.appendInteger(UInt32(entries.count))
            content += entries
            try file.write(MCAPRecord.record(.messageIndex, content))
        }
        let messageIndexLength = UInt64(file.size) - messageIndexStart
        var index = [UInt8]()
        index.appendInteger(chunkStartTime)
        index.appendInteger(chunkEndTime)
        index.appendInteger(chunkStart)
        index.appendInteger(chunkLength)
        index.appendInteger(UInt32(offsets.count))
        index += offsets
        index.appendInteger(messageIndexLength)
        index.appendString(compression)
        index.appendInteger(compressedSize)
        index.appendInteger(uncompressedSize)
        try chunkIndexRecords.append(MCAPRecord.record(.chunkIndex, index))
        chunkCount += 1
        chunk.removeAll(keepingCapacity: true)
        chunkMessageIndexes.removeAll(keepingCapacity: true)
        chunkStartTime = .max
        chunkEndTime = 0
    }

    /// Writes the last chunk, the data end, the summary, its offsets, the footer and the closing
    /// magic, and closes the file.
    public func finish() throws(InspectError) {
        try flushChunk()
        var dataEnd = [UInt8]()
        dataEnd.appendInteger(UInt32(0))  // data_section_crc: 0 = not computed
        try file.write(MCAPRecord.record(.dataEnd, dataEnd))
        let summaryStart = UInt64(file.size)
        var groups = [UInt8]()
        // Each group of the summary and where it is, for the summary offset records.
        func writeGroup(_ opcode: MCAPRecord.Opcode, _ records: [UInt8]) throws(InspectError) {
            guard !records.isEmpty else { return }
            let start = UInt64(file.size)
            try file.write(records)
            groups.append(opcode.rawValue)
            groups.appendInteger(start)
            groups.appendInteger(UInt64(records.count))
        }
        func writeGroup(_ opcode: MCAPRecord.Opcode, _ records: SpooledRecords) throws(InspectError) {
            guard records.byteCount > 0 else { return }
            let start = UInt64(file.size)
            try records.write(to: file)
            groups.append(opcode.rawValue)
            groups.appendInteger(start)
            groups.appendInteger(UInt64(records.byteCount))
        }
        try writeGroup(.schema, schemaRecords)
        try writeGroup(.channel, channelRecords)
        var statistics = [UInt8]()
        statistics.appendInteger(messageCount)
        statistics.appendInteger(schemaCount)
        statistics.appendInteger(channelCount)
        statistics.appendInteger(UInt32(0))  // attachments
        statistics.appendInteger(metadataCount)
        statistics.appendInteger(chunkCount)
        statistics.appendInteger(startTime ?? 0)
        statistics.appendInteger(endTime)
        var counts = [UInt8]()
        for (channel, count) in countsByChannel.sorted(by: { $0.key < $1.key }) {
            counts.appendInteger(channel)
            counts.appendInteger(count)
        }
        statistics.appendInteger(UInt32(counts.count))
        statistics += counts
        try writeGroup(.statistics, MCAPRecord.record(.statistics, statistics))
        try writeGroup(.metadataIndex, metadataIndexRecords)
        try writeGroup(.chunkIndex, chunkIndexRecords)
        let summaryOffsetStart = UInt64(file.size)
        var position = 0
        while position < groups.count {
            try file.write(MCAPRecord.record(.summaryOffset, Array(groups[position..<position + 17])))
            position += 17
        }
        var footer = [UInt8]()
        footer.appendInteger(summaryStart)
        footer.appendInteger(summaryOffsetStart)
        footer.appendInteger(UInt32(0))  // summary_crc: 0 = not computed
        try file.write(MCAPRecord.record(.footer, footer))
        try file.write(MCAPRecord.magic)
        try file.close()
    }
}
