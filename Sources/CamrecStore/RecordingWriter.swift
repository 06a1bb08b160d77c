import Foundation
import V4L2Vocabulary

/// Writes a recording folder: chunk files of zstd frames and the SQLite index that points into
/// them. A chunk rolls over by size and by age; it is synced (fdatasync) before the index
/// transaction that points into it commits, so a crash loses at most the chunks not yet
/// committed, and `camrec recover` can rebuild even those from their complete frames.
///
/// Writing and committing are two stages: the writer seals a full chunk and hands it, with the
/// rows that point into it, to its commit stage (`IndexWork`). By default the writer commits on
/// its own thread (`RecordingCommitter.perform`); `commit(through:drain:)` hands the work to a
/// stage on another thread instead (the recorder's), so a slow fdatasync or index commit does not
/// hold up chunk writing. Not thread-safe: one writer thread owns it.
public final class RecordingWriter {
    /// How chunks roll over.
    public struct Options: Sendable {
        /// Close a chunk once it holds this many bytes (default 64 MiB).
        public var chunkSizeLimit: Int64
        /// Close a chunk this long after it was opened (default 1 s).
        public var chunkDurationNanoseconds: Int64
        /// Replace an existing recording at the output path.
        public var replaceExisting: Bool
        /// Delete the oldest chunks beyond this (`--max-size`, `--max-duration`); nil keeps everything.
        public var retention: RetentionPolicy?

        public init(chunkSizeLimit: Int64 = 64 << 20, chunkDurationNanoseconds: Int64 = 1_000_000_000,
                    replaceExisting: Bool = false, retention: RetentionPolicy? = nil) {
            self.chunkSizeLimit = chunkSizeLimit
            self.chunkDurationNanoseconds = chunkDurationNanoseconds
            self.replaceExisting = replaceExisting
            self.retention = retention
        }
    }

    /// Where the recording is, once written (see `RecordingReplacement` for where it is before
    /// it replaces a previous one).
    public let path: String
    public let info: RecordingInfo
    public private(set) var streams: [StreamDescription]
    private let options: Options
    /// The recording's chunks folder, held open: chunks are created relative to it, so the commit
    /// stage may move the recording's folder into its final place (`RecordingReplacement`) while
    /// this thread goes on writing.
    private let chunksDirectory: ChunkDirectory
    /// The commit stage's work on the index; it runs wherever `handOff` sends the work.
    public let committer: RecordingCommitter
    private var handOff: (IndexWork) throws(StoreError) -> Void
    private var drainHandOff: () throws(StoreError) -> Void
    private var metadataFrame: [UInt8]

    private var chunk: ChunkFileWriter?
    private var chunkCount: Int64 = 0
    /// A buffer written to the open chunk, waiting for the index commit that follows its sync.
    struct PendingBuffer {
        var buffer: IndexedBuffer
        var join: RequestJoin
    }

    private var pendingBuffers: [PendingBuffer] = []
    private var pendingNotes: [RecorderNote] = []
    private var nextNoteID: Int64 = 1
    private var pendingDevices: [DeviceFacts] = []
    private var pendingControls: [ControlReading] = []
    private var pendingMediaGraphs: [MediaGraph] = []
    private var nextMediaGraphID = 1
    private var nextControlID: Int64 = 1
    private var pendingEvents: [RecordingEvent] = []
    private var closed = false
    /// `recorder.pid`, locked while this writer runs: readers see the recording is still open.
    private let lock: RecorderLock
    /// The folder the recording was created in: its final path, or while it waits to replace a
    /// previous recording (`--force`), the hidden sibling (`RecordingReplacement`). The folder may
    /// move once a buffer is committed; open what you keep in it by descriptor.
    public let createdFolder: String

    /// How the index keeps its WAL: in exclusive locking mode on a file system without shared
    /// memory (NFS, 9p), where no reader can open the index until the recording is closed.
    public var walIndex: WALIndexMemory { committer.walIndex }

    /// Whether a previous recording at `path` is still there, untouched, because this one has not
    /// committed a buffer (after `close`: it never did, and it was removed instead).
    public var keptPreviousRecording: Bool { committer.keptPreviousRecording }

    /// Creates the recording folder. Refuses an existing path unless `replaceExisting` is set,
    /// and even then replaces only a camrec recording, never another folder or file, and only once
    /// the new recording holds a committed buffer (`RecordingReplacement`).
    public init(path: String, info: RecordingInfo, streams: [StreamDescription], options: Options = Options(),
                walIndex: WALIndexMemory? = nil) throws(StoreError) {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        let folder: String
        var replacement: RecordingReplacement?
        if manager.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard options.replaceExisting else { throw .outputExists(path: path) }
            guard isDirectory.boolValue, manager.fileExists(atPath: path + "/index.sqlite") else {
                throw .invalid(path: path, reason: "exists and is not a camrec recording; --force replaces recordings only. "
                               + "Choose another output.")
            }
            let begun = try RecordingReplacement.begin(replacing: path)
            replacement = begun
            folder = begun.stagingPath
        } else {
            let parent = (path as NSString).deletingLastPathComponent
            let parentPath = parent.isEmpty ? "." : parent
            guard manager.fileExists(atPath: parentPath, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw .io(operation: "create recording", path: path, errno: ENOENT)
            }
            if mkdir(path, 0o755) != 0 { throw .io(operation: "create recording folder", path: path, errno: errno) }
            folder = path
        }
        do throws(StoreError) {
            if mkdir(folder + "/chunks", 0o755) != 0 { throw .io(operation: "create folder", path: folder + "/chunks", errno: errno) }
            chunksDirectory = try ChunkDirectory(path: folder + "/chunks")
            let index = try RecordingIndex.create(path: folder + "/index.sqlite", walIndex: walIndex)
            try index.database.transaction { () throws(StoreError) in
                try index.insertRecording(info, streams: streams)
            }
            let committer = RecordingCommitter(index: index, folder: folder, replacement: replacement,
                                               retention: options.retention.map(ChunkRetention.init))
            self.committer = committer
            handOff = { (work: IndexWork) throws(StoreError) in try committer.perform(work) }
            drainHandOff = {}
            try syncDirectory(folder)
            metadataFrame = try MetadataRecord.recording(info, streams: streams).encodedFrame()
            lock = try RecorderLock(folder: folder)
        } catch {
            replacement?.discard()
            throw error
        }
        self.path = path
        createdFolder = folder
        self.info = info
        self.streams = streams
        self.options = options
        if committer.walIndex == .exclusiveHeap {
            try addNote(kind: .info, message: "The index is kept in SQLite's exclusive locking mode: this file system has "
                        + "no shared memory for SQLite's WAL (as NFS, SMB and 9p), so readers open the recording once it is closed.")
        }
    }

    /// Sends sealed chunks and announced streams to `submit` (a commit stage that runs
    /// `committer.perform` in order, e.g. on another thread) instead of committing them here;
    /// `drain` waits until everything submitted is committed and throws the stage's first failure.
    public func commit(through submit: @escaping (IndexWork) throws(StoreError) -> Void,
                       drain: @escaping () throws(StoreError) -> Void) {
        handOff = submit
        drainHandOff = drain
    }

    /// Appends one buffer (all its planes) to the open chunk, opening or rolling chunks as needed.
    /// If the disk refuses the write, the partial buffer is cut off, everything before it is
    /// committed, and the error is rethrown.
    public func append(_ buffer: EncodedBuffer) throws(StoreError) {
        let chunk = try openChunk()
        let start = chunk.size
        let startPlanes = chunk.planeCount
        var planes: [IndexedPlane] = []
        do {
            for (index, plane) in buffer.planes.enumerated() {
                let header = PlaneHeader(
                    bufferID: buffer.bufferID, requestID: buffer.requestID, streamID: buffer.streamID,
                    status: buffer.metadata.status, sequence: buffer.metadata.sequence,
                    timestamp: buffer.metadata.timestamp, flags: buffer.metadata.flags, field: buffer.metadata.field,
                    planeIndex: index, planeCount: buffer.planes.count, plane: plane.metadata,
                    encoding: plane.encoding, requestJoin: buffer.requestJoin, storedSize: plane.storedSize,
                    compressedSize: UInt32(plane.frame.count), checksum: plane.checksum)
                try chunk.append(header.encodedFrame())
                let offset = chunk.size
                try chunk.append(plane.frame)
                chunk.countPlane()
                planes.append(IndexedPlane(
                    metadata: plane.metadata,
                    location: ChunkLocation(chunkID: chunkCount, offset: offset, compressedLength: Int64(plane.frame.count)),
                    storedSize: plane.storedSize, encoding: plane.encoding, checksum: plane.checksum))
            }
        } catch {
            chunk.truncate(to: start, planes: startPlanes)
            try? rollChunk()
            throw error
        }
        pendingBuffers.append(PendingBuffer(
            buffer: IndexedBuffer(bufferID: buffer.bufferID, requestID: buffer.requestID, streamID: buffer.streamID,
                                  metadata: buffer.metadata, planes: planes),
            join: buffer.requestJoin))
        try rollIfDue()
    }

    /// Adds a stream that a device announced while recording (a decoder's new resolution): to
    /// the index at once, and to the description every chunk carries from the open one on, so
    /// `recover` knows it too.
    public func addStream(_ stream: StreamDescription) throws(StoreError) {
        guard !streams.contains(where: { $0.id == stream.id }) else { return }
        try handOff(.streams([stream]))
        streams.append(stream)
        metadataFrame = try MetadataRecord.recording(info, streams: streams).encodedFrame()
        if let chunk { try chunk.append(metadataFrame) }
    }

    /// Records a note of the recorder's own (a drop, an error, why it stopped), in the chunk and the index.
    @discardableResult
    public func addNote(kind: RecorderNote.Kind, streamID: Int? = nil, sequence: UInt32? = nil,
                        message: String) throws(StoreError) -> RecorderNote {
        let note = RecorderNote(id: nextNoteID, kind: kind, wallNanoseconds: MonotonicClock.wallNanoseconds(),
                                streamID: streamID, sequence: sequence, message: message)
        nextNoteID += 1
        let chunk = try openChunk()
        try chunk.append(MetadataRecord.note(note).encodedFrame())
        pendingNotes.append(note)
        return note
    }

    /// Records the driver and kernel behind a stream, in the chunk and the index.
    public func addDevice(_ facts: DeviceFacts) throws(StoreError) {
        let chunk = try openChunk()
        try chunk.append(MetadataRecord.device(facts).encodedFrame())
        pendingDevices.append(facts)
    }

    /// Records a media device's graph (read at the start), in the chunk and the index; numbers it.
    public func addMediaGraph(_ graph: MediaGraph) throws(StoreError) {
        var numbered = graph
        numbered.id = nextMediaGraphID
        nextMediaGraphID += 1
        let chunk = try openChunk()
        try chunk.append(MetadataRecord.mediaGraph(numbered).encodedFrame())
        pendingMediaGraphs.append(numbered)
    }

    /// Records control values (a device's controls at the start, or changes seen while recording),
    /// in the chunk and the index; numbers them in the order they come.
    public func addControls(_ readings: [ControlReading]) throws(StoreError) {
        guard !readings.isEmpty else { return }
        var numbered = readings
        for index in numbered.indices {
            numbered[index].id = nextControlID
            nextControlID += 1
        }
        let chunk = try openChunk()
        try chunk.append(MetadataRecord.controls(numbered).encodedFrame())
        pendingControls.append(contentsOf: numbered)
    }

    /// Records a ring recording's event (a trigger and the window it keeps), in the chunk and the
    /// index; a later record of the same id (its window grew) replaces it.
    public func addEvent(_ event: RecordingEvent) throws(StoreError) {
        let chunk = try openChunk()
        try chunk.append(MetadataRecord.event(event).encodedFrame())
        pendingEvents.removeAll { $0.id == event.id }
        pendingEvents.append(event)
    }

    /// Closes the open chunk if it is older than the time limit; call it when idle so an idle
    /// recorder still commits what it has.
    public func rollIfDue(now: Int64 = MonotonicClock.nanoseconds()) throws(StoreError) {
        guard let chunk else { return }
        if chunk.size >= options.chunkSizeLimit || now - chunk.openedAtNanoseconds >= options.chunkDurationNanoseconds {
            try rollChunk()
        }
    }

    /// Seals the open chunk and hands it to the commit stage, which syncs it and then commits
    /// the index rows that point into it.
    public func rollChunk() throws(StoreError) {
        guard let chunk else { return }
        self.chunk = nil
        let sealed = SealedChunk(file: chunk, chunkID: chunkCount, buffers: pendingBuffers, notes: pendingNotes,
                                 devices: pendingDevices, controls: pendingControls, mediaGraphs: pendingMediaGraphs,
                                 events: pendingEvents)
        pendingBuffers.removeAll()
        pendingNotes.removeAll()
        pendingDevices.removeAll()
        pendingControls.removeAll()
        pendingMediaGraphs.removeAll()
        pendingEvents.removeAll()
        try handOff(.chunk(sealed))
    }

    /// Writes a stop note, commits the last chunk, computes the per-stream statistics and
    /// leaves the index as a single self-contained file (journal mode DELETE).
    /// Every step is tried even when an earlier one fails (a full disk may refuse the stop note
    /// but still take the index commit); the first failure is thrown at the end.
    public func close(stopReason: String) throws(StoreError) {
        guard !closed else { return }
        closed = true
        var firstError: StoreError?
        do { try addNote(kind: .stop, message: stopReason) } catch { firstError = error }
        do { try rollChunk() } catch { firstError = firstError ?? error }
        do { try drainHandOff() } catch { firstError = firstError ?? error }
        do { try committer.finish() } catch { firstError = firstError ?? error }
        lock.release()
        if let firstError { throw firstError }
    }

    private func openChunk() throws(StoreError) -> ChunkFileWriter {
        if let chunk { return chunk }
        chunkCount += 1
        let name = String(format: "%06lld.zst", chunkCount)
        let chunk = try ChunkFileWriter(directory: chunksDirectory, name: name)
        try chunk.append(metadataFrame)
        self.chunk = chunk
        return chunk
    }
}
