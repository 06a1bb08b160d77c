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

/// A negotiated format: the whole of `v4l2_pix_format(_mplane)` / `v4l2_meta_format` as the
/// driver returned it (G_FMT/S_FMT), so a replay can restore it and an export can interpret the
/// bytes: code, size, field, colorimetry, flags and each memory plane's layout.
public struct StreamFormat: Sendable, Codable, Equatable {
    /// The V4L2 buffer type (`enum v4l2_buf_type`) the stream was captured with,
    /// e.g. 1 = VIDEO_CAPTURE, 9 = VIDEO_CAPTURE_MPLANE, 13 = META_CAPTURE.
    public var bufferType: UInt32
    /// The four-character code, e.g. "NV12", "YUYV", "NM12", "VIVD", "Y16-BE".
    public var fourcc: FourCC
    public var width: UInt32
    public var height: UInt32
    /// `enum v4l2_field` (1 = NONE).
    public var field: UInt32
    /// `enum v4l2_colorspace`.
    public var colorspace: UInt32
    /// `enum v4l2_ycbcr_encoding`, or `enum v4l2_hsv_encoding` for HSV formats (one union in
    /// the kernel's struct); 0 = DEFAULT (the colorspace's own).
    public var ycbcrEncoding: UInt32
    /// `enum v4l2_quantization`; 0 = DEFAULT.
    public var quantization: UInt32
    /// `enum v4l2_xfer_func`; 0 = DEFAULT.
    public var transferFunction: UInt32
    /// `v4l2_pix_format.flags` (V4L2_PIX_FMT_FLAG_PREMUL_ALPHA, V4L2_PIX_FMT_FLAG_SET_CSC).
    public var flags: UInt32
    /// One entry per memory plane.
    public var planes: [PlaneFormat]

    public init(bufferType: UInt32, fourcc: FourCC, width: UInt32, height: UInt32,
                field: UInt32 = 1, colorspace: UInt32 = 0, ycbcrEncoding: UInt32 = 0, quantization: UInt32 = 0,
                transferFunction: UInt32 = 0, flags: UInt32 = 0, planes: [PlaneFormat]) {
        self.bufferType = bufferType
        self.fourcc = fourcc
        self.width = width
        self.height = height
        self.field = field
        self.colorspace = colorspace
        self.ycbcrEncoding = ycbcrEncoding
        self.quantization = quantization
        self.transferFunction = transferFunction
        self.flags = flags
        self.planes = planes
    }

    /// The JSON keys of a chunk's stream description. `fourccCode` and the colorimetry keys came
    /// with index schema 2; a chunk written before has only the others, and reads with the code
    /// from its `fourcc` text and every colorimetry field at 0 (DEFAULT).
    private enum CodingKeys: String, CodingKey {
        case bufferType, fourcc, fourccCode, width, height, field, colorspace
        case ycbcrEncoding, quantization, transferFunction, flags, planes
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        bufferType = try container.decode(UInt32.self, forKey: .bufferType)
        if let code = try container.decodeIfPresent(UInt32.self, forKey: .fourccCode) {
            fourcc = FourCC(rawValue: code)
        } else {
            fourcc = try container.decode(FourCC.self, forKey: .fourcc)
        }
        width = try container.decode(UInt32.self, forKey: .width)
        height = try container.decode(UInt32.self, forKey: .height)
        field = try container.decode(UInt32.self, forKey: .field)
        colorspace = try container.decode(UInt32.self, forKey: .colorspace)
        ycbcrEncoding = try container.decodeIfPresent(UInt32.self, forKey: .ycbcrEncoding) ?? 0
        quantization = try container.decodeIfPresent(UInt32.self, forKey: .quantization) ?? 0
        transferFunction = try container.decodeIfPresent(UInt32.self, forKey: .transferFunction) ?? 0
        flags = try container.decodeIfPresent(UInt32.self, forKey: .flags) ?? 0
        planes = try container.decode([PlaneFormat].self, forKey: .planes)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(bufferType, forKey: .bufferType)
        try container.encode(fourcc, forKey: .fourcc)
        try container.encode(fourcc.rawValue, forKey: .fourccCode)
        try container.encode(width, forKey: .width)
        try container.encode(height, forKey: .height)
        try container.encode(field, forKey: .field)
        try container.encode(colorspace, forKey: .colorspace)
        try container.encode(ycbcrEncoding, forKey: .ycbcrEncoding)
        try container.encode(quantization, forKey: .quantization)
        try container.encode(transferFunction, forKey: .transferFunction)
        try container.encode(flags, forKey: .flags)
        try container.encode(planes, forKey: .planes)
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
