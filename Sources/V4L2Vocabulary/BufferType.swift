/// The queue a buffer belongs to (`enum v4l2_buf_type`), limited to the types camrec streams.
/// Encodes (Codable) as its number.
public enum BufferType: UInt32, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case videoCapture = 1
    case videoOutput = 2
    case videoCaptureMultiplanar = 9
    case videoOutputMultiplanar = 10
    case metaCapture = 13
    case metaOutput = 14

    /// V4L2_TYPE_IS_OUTPUT: buffers flow from the application into the device.
    public var isOutput: Bool {
        switch self {
        case .videoOutput, .videoOutputMultiplanar, .metaOutput: true
        case .videoCapture, .videoCaptureMultiplanar, .metaCapture: false
        }
    }
    /// V4L2_TYPE_IS_CAPTURE: buffers flow from the device to the application.
    public var isCapture: Bool { !isOutput }
    /// V4L2_TYPE_IS_MULTIPLANAR: buffers carry an array of `v4l2_plane`.
    public var isMultiplanar: Bool { self == .videoCaptureMultiplanar || self == .videoOutputMultiplanar }
    /// A metadata queue (`v4l2_meta_format`) rather than an image queue.
    public var isMeta: Bool { self == .metaCapture || self == .metaOutput }

    public var description: String {
        switch self {
        case .videoCapture: "video-capture"
        case .videoOutput: "video-output"
        case .videoCaptureMultiplanar: "video-capture-mplane"
        case .videoOutputMultiplanar: "video-output-mplane"
        case .metaCapture: "meta-capture"
        case .metaOutput: "meta-output"
        }
    }
}
