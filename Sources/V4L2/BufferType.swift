import CV4L2

/// The queue a buffer belongs to (`enum v4l2_buf_type`), limited to the types camrec streams.
public enum BufferType: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    case videoCapture = 1
    case videoOutput = 2
    case videoCaptureMultiplanar = 9
    case videoOutputMultiplanar = 10
    case metaCapture = 13
    case metaOutput = 14

    /// V4L2_TYPE_IS_OUTPUT: buffers flow from the application into the device.
    public var isOutput: Bool { cv4l2_type_is_output(rawValue) != 0 }
    /// V4L2_TYPE_IS_CAPTURE: buffers flow from the device to the application.
    public var isCapture: Bool { cv4l2_type_is_capture(rawValue) != 0 }
    /// V4L2_TYPE_IS_MULTIPLANAR: buffers carry an array of `v4l2_plane`.
    public var isMultiplanar: Bool { cv4l2_type_is_multiplanar(rawValue) != 0 }
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

/// How a queue's buffer memory is provided (`enum v4l2_memory`).
public enum MemoryType: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    /// The driver allocates the buffers; the application maps them (V4L2_MEMORY_MMAP).
    case mmap = 1
    /// The application imports DMABUF file descriptors exported by another device (V4L2_MEMORY_DMABUF).
    case dmabuf = 4

    public var description: String {
        switch self {
        case .mmap: "mmap"
        case .dmabuf: "dmabuf"
        }
    }
}

/// The field order of a frame or buffer (`enum v4l2_field`).
public struct Field: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Let the driver choose (only valid in a request).
    public static let any = Field(rawValue: 0)
    /// Progressive frames.
    public static let none = Field(rawValue: 1)
    public static let top = Field(rawValue: 2)
    public static let bottom = Field(rawValue: 3)
    public static let interlaced = Field(rawValue: 4)
    public static let sequentialTopBottom = Field(rawValue: 5)
    public static let sequentialBottomTop = Field(rawValue: 6)
    public static let alternate = Field(rawValue: 7)
    public static let interlacedTopBottom = Field(rawValue: 8)
    public static let interlacedBottomTop = Field(rawValue: 9)

    public var description: String {
        let names = ["any", "none", "top", "bottom", "interlaced", "seq-tb", "seq-bt", "alternate",
                     "interlaced-tb", "interlaced-bt"]
        return rawValue < names.count ? names[Int(rawValue)] : "field \(rawValue)"
    }
}
