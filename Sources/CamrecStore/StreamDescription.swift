/// What one stream of a recording is: a video or metadata node (or a synthetic stand-in) and the
/// format it was negotiated with, as V4L2 describes it (`struct v4l2_format`).
public struct StreamDescription: Sendable, Codable, Equatable {
    /// 1-based stream number inside the recording; the chunk headers carry it.
    public var id: Int
    /// A short unique name ("main", "preview", "video0", "meta0").
    public var name: String
    public var kind: StreamKind
    public var format: StreamFormat
    /// The device it came from; nil for the synthetic camera.
    public var device: DeviceIdentity?

    public init(id: Int, name: String, kind: StreamKind, format: StreamFormat, device: DeviceIdentity? = nil) {
        self.id = id
        self.name = name
        self.kind = kind
        self.format = format
        self.device = device
    }
}

/// Whether a stream carries images or metadata buffers (V4L2_BUF_TYPE_META_*).
public enum StreamKind: String, Sendable, Codable, CaseIterable {
    case video
    case meta
}

/// A negotiated format: the fields of `v4l2_pix_format(_mplane)` / `v4l2_meta_format` that a
/// replay or an export needs to interpret the bytes.
public struct StreamFormat: Sendable, Codable, Equatable {
    /// The V4L2 buffer type (`enum v4l2_buf_type`) the stream was captured with,
    /// e.g. 1 = VIDEO_CAPTURE, 9 = VIDEO_CAPTURE_MPLANE, 13 = META_CAPTURE.
    public var bufferType: UInt32
    /// The four-character code, e.g. "NV12", "YUYV", "NM12", "VIVD".
    public var fourcc: FourCC
    public var width: UInt32
    public var height: UInt32
    /// `enum v4l2_field` (1 = NONE).
    public var field: UInt32
    /// `enum v4l2_colorspace`.
    public var colorspace: UInt32
    /// One entry per memory plane.
    public var planes: [PlaneFormat]

    public init(bufferType: UInt32, fourcc: FourCC, width: UInt32, height: UInt32,
                field: UInt32 = 1, colorspace: UInt32 = 0, planes: [PlaneFormat]) {
        self.bufferType = bufferType
        self.fourcc = fourcc
        self.width = width
        self.height = height
        self.field = field
        self.colorspace = colorspace
        self.planes = planes
    }
}

/// The layout of one memory plane of a format.
public struct PlaneFormat: Sendable, Codable, Equatable {
    public var bytesPerLine: UInt32
    public var sizeImage: UInt32

    public init(bytesPerLine: UInt32, sizeImage: UInt32) {
        self.bytesPerLine = bytesPerLine
        self.sizeImage = sizeImage
    }
}

/// Which device node a stream was recorded from (`VIDIOC_QUERYCAP`).
public struct DeviceIdentity: Sendable, Codable, Equatable {
    public var path: String
    public var driver: String
    public var card: String
    public var busInfo: String

    public init(path: String, driver: String, card: String, busInfo: String) {
        self.path = path
        self.driver = driver
        self.card = card
        self.busInfo = busInfo
    }
}
