import V4L2Vocabulary

/// A chunk the write stage has finished writing: its file (written, not yet synced) and the index
/// rows that point into it. The commit stage syncs the file, then commits the rows
/// (`RecordingCommitter`); until then a crash may lose it, and `recover` gets back its complete
/// frames. Moves from the writer's thread to the committer's and is used by one at a time.
public final class SealedChunk: @unchecked Sendable {
    let file: ChunkFileWriter
    let chunkID: Int64
    let buffers: [RecordingWriter.PendingBuffer]
    let notes: [RecorderNote]
    /// Devices and control readings written to the chunk, indexed with it.
    let devices: [DeviceFacts]
    let controls: [ControlReading]
    let mediaGraphs: [MediaGraph]
    /// Ring-recording events written to the chunk, indexed with it.
    let events: [RecordingEvent]

    /// The chunk's file name (`000001.zst`).
    public var name: String { file.name }
    /// Bytes written to it.
    public var sizeBytes: Int64 { file.size }
    /// Buffers whose index rows wait for this chunk's commit.
    public var bufferCount: Int { buffers.count }

    init(file: ChunkFileWriter, chunkID: Int64, buffers: [RecordingWriter.PendingBuffer], notes: [RecorderNote],
         devices: [DeviceFacts] = [], controls: [ControlReading] = [], mediaGraphs: [MediaGraph] = [],
         events: [RecordingEvent] = []) {
        self.file = file
        self.chunkID = chunkID
        self.buffers = buffers
        self.notes = notes
        self.devices = devices
        self.controls = controls
        self.mediaGraphs = mediaGraphs
        self.events = events
    }
}

/// What the write stage hands the commit stage, in recording order.
public enum IndexWork: Sendable {
    /// A stream a device announced while recording: inserted before the chunks that hold its buffers.
    case streams([StreamDescription])
    /// A chunk to sync and then index.
    case chunk(SealedChunk)
}
