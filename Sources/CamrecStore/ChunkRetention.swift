import Foundation

/// Applies a `RetentionPolicy` after each chunk commit (the commit stage's thread): deletes the
/// oldest chunks the policy no longer needs. For each, one index transaction removes its buffers,
/// their planes, the requests left without a buffer and the chunk's row, and adds a row to
/// `deleted_chunks` (what went: buffers, their time span, why); only after that commit is the file
/// unlinked, so the index never points at a file that is gone. The newest committed chunk is never
/// deleted.
struct ChunkRetention {
    let policy: RetentionPolicy

    /// Deletes what the policy allows; returns the chunk names deleted.
    @discardableResult
    func apply(to index: RecordingIndex, chunksFolder: String) throws(StoreError) -> [String] {
        let database = index.database
        var deleted: [String] = []
        while let oldest = try reason(database) {
            let chunkID = oldest.chunkID
            let name = try database.prepare("SELECT name, size_bytes FROM chunks WHERE id = ?")
            try name.bind([.integer(chunkID)])
            guard try name.step() else { break }
            let chunkName = name.text(0)
            let size = name.int64(1)
            try database.transaction { () throws(StoreError) in
                let buffers = try database.prepare("""
                    SELECT DISTINCT b.id, b.request_id, b.timestamp_ns FROM buffers b JOIN planes p ON p.buffer_id = b.id
                    WHERE p.chunk_id = ?
                    """)
                try buffers.bind([.integer(chunkID)])
                var bufferIDs: [Int64] = []
                var requestIDs = Set<Int64>()
                var first: Int64?
                var last: Int64?
                while try buffers.step() {
                    bufferIDs.append(buffers.int64(0))
                    requestIDs.insert(buffers.int64(1))
                    let time = buffers.int64(2)
                    first = min(first ?? time, time)
                    last = max(last ?? time, time)
                }
                try database.prepare("DELETE FROM planes WHERE chunk_id = ?").run([.integer(chunkID)])
                let deleteBuffer = try database.prepare("DELETE FROM buffers WHERE id = ?")
                for id in bufferIDs { try deleteBuffer.run([.integer(id)]) }
                let deleteRequest = try database.prepare(
                    "DELETE FROM requests WHERE id = ? AND NOT EXISTS (SELECT 1 FROM buffers WHERE request_id = ?)")
                for id in requestIDs.sorted() { try deleteRequest.run([.integer(id), .integer(id)]) }
                try database.prepare("DELETE FROM chunks WHERE id = ?").run([.integer(chunkID)])
                try database.prepare("""
                    INSERT INTO deleted_chunks (chunk_id, name, size_bytes, buffers, first_timestamp_ns, last_timestamp_ns,
                        deleted_wall_ns, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """).run([
                        .integer(chunkID), .text(chunkName), .integer(size), .integer(Int64(bufferIDs.count)),
                        first.map { .integer($0) } ?? .null, last.map { .integer($0) } ?? .null,
                        .integer(MonotonicClock.wallNanoseconds()), .text(oldest.reason),
                    ])
            }
            // Checked like every stored name: only a file inside chunks/ is ever removed.
            guard !chunkName.contains("/"), chunkName != "..", chunkName != "." else { continue }
            if unlink(chunksFolder + "/" + chunkName) != 0 && errno != ENOENT {
                throw .io(operation: "delete the oldest chunk (retention)", path: chunksFolder + "/" + chunkName, errno: errno)
            }
            deleted.append(chunkName)
        }
        return deleted
    }

    private struct Candidate {
        var chunkID: Int64
        var reason: String
    }

    /// The oldest chunk when the policy wants it gone, with why; nil when everything stays.
    private func reason(_ database: SQLiteDatabase) throws(StoreError) -> Candidate? {
        let chunks = try database.prepare("SELECT id, size_bytes FROM chunks ORDER BY id LIMIT 2")
        guard try chunks.step() else { return nil }
        let oldest = chunks.int64(0)
        // The newest committed chunk always stays.
        guard try chunks.step() else { return nil }
        let next = chunks.int64(0)
        if let maxBytes = policy.maxBytes {
            let total = try database.scalar("SELECT COALESCE(SUM(size_bytes), 0) FROM chunks")
            if total > maxBytes {
                return Candidate(chunkID: oldest, reason: "--max-size \(maxBytes) bytes: the committed chunks held \(total) bytes")
            }
        }
        if let maxDuration = policy.maxDurationNanoseconds {
            // What the chunks after the oldest span, from their first buffer to the newest buffer.
            let span = try database.prepare("""
                SELECT (SELECT MAX(timestamp_ns) FROM buffers),
                       (SELECT MIN(b.timestamp_ns) FROM buffers b JOIN planes p ON p.buffer_id = b.id WHERE p.chunk_id >= ?)
                """)
            try span.bind([.integer(next)])
            if try span.step(), let newest = span.optionalInt64(0), let rest = span.optionalInt64(1),
               newest.saturatingSubtracting(rest) >= maxDuration {
                return Candidate(chunkID: oldest, reason: String(
                    format: "--max-duration %.3f s: the newer chunks hold %.3f s", Double(maxDuration) / 1e9,
                    Double(newest.saturatingSubtracting(rest)) / 1e9))
            }
        }
        return nil
    }
}
