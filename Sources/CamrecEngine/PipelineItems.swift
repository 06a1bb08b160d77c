import CamrecStore
import V4L2Vocabulary

/// One captured buffer on its way to a compression worker, with the bytes the capture stage
/// reserved for it in the memory budget.
struct CaptureJob: Sendable {
    var serial: Int64
    var bufferID: Int64
    var requestID: Int64
    var join: RequestJoin
    var captured: CapturedBuffer
    var encoding: PlaneEncoding
    /// The worst-case frame bytes of its planes plus `PipelineCosts.indexRowBytes`.
    var reservedBytes: Int
}

/// What the write stage receives through the order stage, in capture order.
enum OrderedItem: Sendable {
    /// An encoded buffer and the bytes its frames hold in the budget's order stage.
    case buffer(EncodedBuffer, frameBytes: Int)
    case note(kind: RecorderNote.Kind, streamID: Int?, sequence: UInt32?, message: String)
    /// A stream the source announced after the start.
    case stream(StreamDescription)
    /// The driver and kernel behind a stream.
    case device(DeviceFacts)
    /// Control values at the start, or changes while recording.
    case controls([ControlReading])
    /// A media device's graph at the start.
    case mediaGraph(MediaGraph)
    case failed(String)
}

/// Sizes the memory budget counts besides frames.
enum PipelineCosts {
    /// What one buffer's index rows take until their chunk commits (an estimate of the
    /// `IndexedBuffer` with its planes, kept by the writer).
    static let indexRowBytes = 512
    /// Chunks written but not yet synced and committed that the writer may run ahead by.
    static let commitQueueChunks = 2
}
