import CamrecStore
import V4L2Vocabulary

/// Where the recorder gets buffers from: the synthetic camera, or one or more V4L2 capture
/// nodes. A source owns its buffers; the recorder hands each one back with `CapturedBuffer.release`
/// as soon as its bytes are safe (compressed), the way a V4L2 buffer goes back with VIDIOC_QBUF.
public protocol FrameSource: AnyObject, Sendable {
    /// The streams this source produces; `CapturedBuffer.streamID` refers to `StreamDescription.id`.
    var streams: [StreamDescription] { get }
    /// A human description for stderr and the recording's metadata ("synthetic camera", "/dev/video0").
    var sourceDescription: String { get }
    /// Starts streaming (VIDIOC_STREAMON on every node).
    func start() throws
    /// Waits for the next buffers (poll) and returns those that are ready, possibly from several
    /// streams, in the order they were dequeued. Returns an empty array when nothing arrived
    /// within `timeoutMilliseconds`, and nil when the source has ended for good (a file ran out,
    /// a device disappeared: `endReason` then says why).
    func nextBuffers(timeoutMilliseconds: Int32) throws -> [CapturedBuffer]?
    /// Whether the source runs in real time and cannot wait (a camera). The recorder drops
    /// buffers of a live source when it cannot keep up, and waits for a source that is not live.
    var isLive: Bool { get }
    /// Why `nextBuffers` returned nil, when the source ended by itself.
    var endReason: String? { get }
    /// Whether that end was the expected one (a replay that finished) rather than a failure (a
    /// device that disappeared); the recorder notes it as information or as an error.
    var endedNormally: Bool { get }
    /// Stops streaming (VIDIOC_STREAMOFF), returning every buffer to the source. Idempotent.
    func stop()
    /// The driver and kernel behind each stream that comes from a device.
    var deviceFacts: [DeviceFacts] { get }
    /// The graph of each media controller the source's nodes belong to, read now (before streaming).
    var mediaGraphs: [MediaGraph] { get }
    /// Every control of each device with its value before streaming started.
    var startControls: [ControlReading] { get }
    /// Controls someone changed while recording (V4L2_EVENT_CTRL) since the last call, in order;
    /// called after each `nextBuffers`.
    func takeControlChanges() -> [ControlReading]
}

/// One buffer the source produced, with views of its planes' bytes that stay valid until
/// `release` is called.
public struct CapturedBuffer: @unchecked Sendable {
    public var streamID: Int
    public var metadata: FrameMetadata
    /// The payload of each plane: `bytesUsed` bytes from the start of the plane.
    public var planeBytes: [UnsafeRawBufferPointer]
    /// Hands the buffer back to its source (VIDIOC_QBUF); called exactly once, from any thread.
    public var release: @Sendable () -> Void

    public init(streamID: Int, metadata: FrameMetadata, planeBytes: [UnsafeRawBufferPointer],
                release: @escaping @Sendable () -> Void) {
        self.streamID = streamID
        self.metadata = metadata
        self.planeBytes = planeBytes
        self.release = release
    }
}

extension FrameSource {
    /// Cameras are live unless they say otherwise.
    public var isLive: Bool { true }

    /// A source that ends by itself has failed, unless it says otherwise.
    public var endedNormally: Bool { false }

    /// A source without devices (the synthetic camera) has no driver and no controls.
    public var deviceFacts: [DeviceFacts] { [] }
    public var mediaGraphs: [MediaGraph] { [] }
    public var startControls: [ControlReading] { [] }
    public func takeControlChanges() -> [ControlReading] { [] }
}
