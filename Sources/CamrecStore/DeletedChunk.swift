/// A chunk retention deleted while recording (`--max-size`, `--max-duration`): one row of the
/// index's `deleted_chunks` (index version 5), saying what went and why.
public struct DeletedChunk: Sendable, Equatable, Codable {
    public var chunkID: Int64
    public var name: String
    public var sizeBytes: Int64
    public var buffers: Int64
    /// The time span of the buffers it held (nil: none).
    public var firstTimestampNanoseconds: Int64?
    public var lastTimestampNanoseconds: Int64?
    public var deletedWallNanoseconds: Int64
    public var reason: String

    /// As `info --json` spells them, like the table's columns.
    enum CodingKeys: String, CodingKey {
        case chunkID = "chunk_id", name, sizeBytes = "size_bytes", buffers
        case firstTimestampNanoseconds = "first_timestamp_ns", lastTimestampNanoseconds = "last_timestamp_ns"
        case deletedWallNanoseconds = "deleted_wall_ns", reason
    }

    /// Every deleted chunk, oldest first; none before index version 5.
    public static func load(from index: RecordingIndex) throws(StoreError) -> [DeletedChunk] {
        guard index.schemaVersion >= 5 else { return [] }
        let rows = try index.database.prepare("""
            SELECT chunk_id, name, size_bytes, buffers, first_timestamp_ns, last_timestamp_ns, deleted_wall_ns, reason
            FROM deleted_chunks ORDER BY chunk_id
            """)
        var result: [DeletedChunk] = []
        while try rows.step() {
            result.append(DeletedChunk(
                chunkID: rows.int64(0), name: rows.text(1), sizeBytes: rows.int64(2), buffers: rows.int64(3),
                firstTimestampNanoseconds: rows.optionalInt64(4), lastTimestampNanoseconds: rows.optionalInt64(5),
                deletedWallNanoseconds: rows.int64(6), reason: rows.text(7)))
        }
        return result
    }
}
