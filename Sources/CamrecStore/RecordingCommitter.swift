/// The commit stage's work on a recording's index: each sealed chunk's bytes reach the disk
/// (fdatasync) before the index transaction that points into it commits, so the index never
/// points at data a crash can lose; streams added mid-recording are inserted in order with the
/// chunks. Owns the index connection; used by one thread at a time (the recorder runs it on a
/// thread of its own, so syncs and commits never hold up capture or chunk writing).
public final class RecordingCommitter: @unchecked Sendable {
    let index: RecordingIndex

    init(index: RecordingIndex) {
        self.index = index
    }

    /// Syncs and indexes a sealed chunk, or inserts announced streams.
    public func perform(_ work: IndexWork) throws(StoreError) {
        switch work {
        case let .streams(streams):
            try index.database.transaction { () throws(StoreError) in
                try index.insertStreams(streams)
            }
        case let .chunk(sealed):
            try sealed.file.syncAndClose()
            do {
                try index.database.transaction { () throws(StoreError) in
                    try index.insertChunk(id: sealed.chunkID, name: sealed.name, sizeBytes: sealed.sizeBytes,
                                          planes: sealed.file.planeCount)
                    for pending in sealed.buffers { try index.insertBuffer(pending.buffer, join: pending.join) }
                    for note in sealed.notes { try index.insertNote(note) }
                }
            } catch {
                let reason: String = switch error {
                case let .sqlite(_, _, message, _): message
                default: "\(error)"
                }
                throw .indexNotUpdated(path: index.path, chunk: sealed.name, reason: reason)
            }
        }
    }

    /// After the last commit: computes the per-stream statistics and leaves the index as a single
    /// self-contained file (journal mode DELETE).
    func finish() throws(StoreError) {
        try index.database.transaction { () throws(StoreError) in
            try StreamStatistics.recompute(in: index)
            try RecordingStatistics.recompute(in: index)
        }
        try index.database.execute("PRAGMA journal_mode = DELETE")
    }
}
