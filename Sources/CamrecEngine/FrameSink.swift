import CamrecStore
import V4L2Vocabulary

/// Where the replayer sends recorded buffers: a V4L2 output, M2M or ISP input node, or the null
/// sink. One sink takes one recorded stream.
public protocol FrameSink: AnyObject {
    /// A human description ("/dev/video1 (vivid output)", "null").
    var sinkDescription: String { get }
    /// Checks that `stream` can be sent here and gets ready (VIDIOC_S_FMT on the output queue,
    /// REQBUFS, STREAMON). Must fail, with what was recorded and what the device offers, before
    /// any buffer is queued.
    func prepare(stream: StreamDescription) throws
    /// Queues one recorded buffer with its recorded bytesused per plane, timestamp, sequence and
    /// field. Waits while every buffer is queued (until the device hands one back).
    func send(_ frame: ReplayFrame) throws
    /// Waits until the device has taken every queued buffer, then streams off.
    func finish() throws
}

/// One recorded buffer on its way back to a device.
public struct ReplayFrame: Sendable {
    public var streamID: Int
    /// The recorded metadata; on a second and later loop the timestamp is shifted by whole loops
    /// so timestamps keep increasing.
    public var metadata: FrameMetadata
    /// The recorded bytes of each plane (bytesused bytes each).
    public var planes: [[UInt8]]

    public init(streamID: Int, metadata: FrameMetadata, planes: [[UInt8]]) {
        self.streamID = streamID
        self.metadata = metadata
        self.planes = planes
    }
}

/// A sink that takes every buffer at once: replay pacing measured without a device.
public final class NullSink: FrameSink {
    public let sinkDescription = "null"
    public private(set) var received = 0

    public init() {}

    public func prepare(stream: StreamDescription) throws {}

    public func send(_ frame: ReplayFrame) throws {
        received += 1
    }

    public func finish() throws {}
}
