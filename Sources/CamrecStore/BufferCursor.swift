import V4L2Vocabulary

/// Steps through a recording's buffers one at a time, straight from the index (one SQLite
/// statement, one buffer's rows in memory), so reading a day-long recording takes the memory of
/// reading a minute of it: `export --all`, `.y4m`, `.mcap`, `diff` and `replay` walk buffers with
/// it instead of loading every row first. Made by `RecordingReader.bufferCursor`.
public final class BufferCursor {
    private let statement: SQLiteStatement
    private let indexPath: String
    /// The row after the last buffer returned, already stepped to (its buffer comes next).
    private var hasPendingRow = false
    private var finished = false

    init(statement: SQLiteStatement, indexPath: String) {
        self.statement = statement
        self.indexPath = indexPath
    }

    /// The next buffer with its planes, or nil after the last.
    public func next() throws(StoreError) -> IndexedBuffer? {
        if finished { return nil }
        if !hasPendingRow {
            guard try statement.step() else {
                finished = true
                return nil
            }
        }
        hasPendingRow = false
        var buffer = try bufferRow()
        while true {
            try appendPlaneRow(to: &buffer)
            guard try statement.step() else {
                finished = true
                break
            }
            if statement.int64(0) != buffer.bufferID {
                hasPendingRow = true
                break
            }
        }
        return buffer
    }

    /// The buffer columns of the current row.
    private func bufferRow() throws(StoreError) -> IndexedBuffer {
        let bufferID = statement.int64(0)
        guard let status = BufferStatus(rawValue: statement.text(3)), let clock = BufferTimestamp.Clock(rawValue: statement.text(6)) else {
            throw .corrupt(path: indexPath, offset: 0, reason: "buffer \(bufferID) has an unknown status or clock")
        }
        return IndexedBuffer(
            bufferID: bufferID, requestID: statement.int64(1), streamID: Int(truncatingIfNeeded: statement.int64(2)),
            metadata: FrameMetadata(status: status, sequence: UInt32(truncatingIfNeeded: statement.int64(4)),
                                     timestamp: BufferTimestamp(nanoseconds: statement.int64(5), clock: clock),
                                     flags: BufferFlags(rawValue: UInt32(truncatingIfNeeded: statement.int64(7))),
                                     field: Field(rawValue: UInt32(truncatingIfNeeded: statement.int64(8))), planes: []),
            planes: [])
    }

    /// The plane columns of the current row, if it has a plane.
    private func appendPlaneRow(to buffer: inout IndexedBuffer) throws(StoreError) {
        guard !statement.isNull(9) else { return }
        guard let encoding = PlaneEncoding(name: statement.text(17)), let checksum = UInt64(statement.text(18), radix: 16) else {
            throw .corrupt(path: indexPath, offset: 0, reason: "a plane of buffer \(buffer.bufferID) has an unknown encoding or checksum")
        }
        let plane = PlaneMetadata(bytesUsed: UInt32(clamping: statement.int64(10)), dataOffset: UInt32(clamping: statement.int64(11)),
                                  length: UInt32(clamping: statement.int64(12)))
        buffer.metadata.planes.append(plane)
        buffer.planes.append(IndexedPlane(
            metadata: plane,
            location: ChunkLocation(chunkID: statement.int64(13), offset: statement.int64(14), compressedLength: statement.int64(15)),
            storedSize: UInt32(clamping: statement.int64(16)), encoding: encoding, checksum: checksum))
    }
}

/// The order a `BufferCursor` walks buffers in.
public enum BufferOrder: Sendable {
    /// As recorded (buffer id).
    case recording
    /// By sequence, then as recorded (what `diff` pairs by).
    case sequence
    /// By timestamp, then as recorded.
    case timestamp
    /// By request, then as recorded: the buffers of one request together, requests in the order
    /// their first buffer was recorded (what `replay` sends).
    case request
}
