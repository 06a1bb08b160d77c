import Synchronization

/// The commit stage's work on a recording's index: each sealed chunk's bytes reach the disk
/// (fdatasync) before the index transaction that points into it commits, so the index never
/// points at data a crash can lose; streams added mid-recording are inserted in order with the
/// chunks. Owns the index connection; used by one thread at a time (the recorder runs it on a
/// thread of its own, so syncs and commits never hold up capture or chunk writing).
///
/// When the recording replaces a previous one (`--force`), the commit stage is also where it
/// takes that one's place: right after the first committed chunk that holds a buffer
/// (`RecordingReplacement` says why then).
public final class RecordingCommitter: @unchecked Sendable {
    private var index: RecordingIndex
    /// The folder the index is in now (the hidden sibling until a replacement is swapped in).
    private var folder: String
    /// Set while the new recording waits beside the previous one; read from the writer's thread too.
    private let replacement: Mutex<RecordingReplacement?>
    /// How the index keeps its WAL (shared memory, or exclusive locking where there is none).
    public let walIndex: WALIndexMemory

    /// Deletes the oldest chunks after each commit (`--max-size`, `--max-duration`).
    private let retention: ChunkRetention?

    init(index: RecordingIndex, folder: String, replacement: RecordingReplacement?, retention: ChunkRetention? = nil) {
        self.retention = retention
        self.index = index
        self.folder = folder
        self.replacement = Mutex(replacement)
        walIndex = index.walIndex
    }

    /// Whether the previous recording is still in place: no buffer has been committed yet (after
    /// `finish`: none ever was, and the new recording was removed instead).
    public var keptPreviousRecording: Bool { replacement.withLock { $0 != nil } }

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
                    for device in sealed.devices { try index.insertDevice(device) }
                    for reading in sealed.controls { try index.insertControl(reading) }
                    for graph in sealed.mediaGraphs { try index.insertMediaGraph(graph) }
                    for event in sealed.events { try index.insertEvent(event) }
                }
            } catch {
                let reason: String = switch error {
                case let .sqlite(_, _, message, _): message
                default: "\(error)"
                }
                throw .indexNotUpdated(path: index.path, chunk: sealed.name, reason: reason)
            }
            if !sealed.buffers.isEmpty, let pending = replacement.withLock({ $0 }) {
                try replacePrevious(with: pending)
            }
            try retention?.apply(to: index, chunksFolder: folder + "/chunks")
        }
    }

    /// Puts the new recording in the previous one's place, now that it holds a committed buffer.
    /// SQLite names its files by path (it deletes the WAL by name when it closes, and opens a
    /// rollback journal by name after `journal_mode = DELETE`), so the index is closed before its
    /// folder moves and opened again at the new place. The writer creates chunks through a
    /// descriptor of the chunks folder (`ChunkDirectory`), which moves with it.
    private func replacePrevious(with pending: RecordingReplacement) throws(StoreError) {
        index.close()
        do {
            try pending.swapIn()
        } catch {
            // Still beside the previous recording: go on there, and try again at the next chunk.
            index = try RecordingIndex.reopenForWriting(path: folder + "/index.sqlite", walIndex: walIndex)
            throw error
        }
        replacement.withLock { $0 = nil }
        folder = pending.finalPath
        index = try RecordingIndex.reopenForWriting(path: folder + "/index.sqlite", walIndex: walIndex)
    }

    /// After the last commit: computes the per-stream statistics and leaves the index as a single
    /// self-contained file (journal mode DELETE).
    /// The connection is closed here, not when the committer goes: in exclusive locking mode
    /// (NFS, 9p) it holds its lock until it closes, and no reader could open the recording. A
    /// recording that never committed a buffer does not replace the previous one: it is removed.
    func finish() throws(StoreError) {
        defer {
            index.close()
            if let pending = replacement.withLock({ $0 }) { pending.discard() }
        }
        try index.database.transaction { () throws(StoreError) in
            try StreamStatistics.recompute(in: index)
            try RecordingStatistics.recompute(in: index)
        }
        do {
            try index.database.execute("PRAGMA journal_mode = DELETE")
        } catch {
            // A reader still holds a snapshot (`camrec export` of a recording in progress, past the
            // 5 s busy timeout): the index stays in WAL mode, complete in index.sqlite and its -wal
            // file, which the next connection that may write folds in. A reader never fails the recording.
            _ = try? index.database.execute("PRAGMA wal_checkpoint(PASSIVE)")
        }
    }
}
