/// `v4l2_buffer.flags` (V4L2_BUF_FLAG_*, values from linux/videodev2.h).
public struct BufferFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let mapped = BufferFlags(rawValue: 0x0000_0001)
    public static let queued = BufferFlags(rawValue: 0x0000_0002)
    public static let done = BufferFlags(rawValue: 0x0000_0004)
    public static let keyFrame = BufferFlags(rawValue: 0x0000_0008)
    public static let predictedFrame = BufferFlags(rawValue: 0x0000_0010)
    public static let bidirectionalFrame = BufferFlags(rawValue: 0x0000_0020)
    public static let error = BufferFlags(rawValue: 0x0000_0040)
    public static let timecode = BufferFlags(rawValue: 0x0000_0100)
    public static let last = BufferFlags(rawValue: 0x0010_0000)
    /// V4L2_BUF_FLAG_TIMESTAMP_MASK: the bits that name the timestamp's clock.
    public static let timestampMask: UInt32 = 0x0000_e000
    public static let timestampMonotonic = BufferFlags(rawValue: 0x0000_2000)
    public static let timestampCopy = BufferFlags(rawValue: 0x0000_4000)
    /// V4L2_BUF_FLAG_TSTAMP_SRC_SOE: taken at start of exposure rather than end of frame.
    public static let timestampStartOfExposure = BufferFlags(rawValue: 0x0001_0000)
}
