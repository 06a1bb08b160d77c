/// A negotiated or requested format of one queue, the whole of `struct v4l2_format` as values:
/// `v4l2_pix_format`, `v4l2_pix_format_mplane` or `v4l2_meta_format` with its buffer type, code,
/// size, field, colorimetry, flags and one `PlaneLayout` per memory plane. The V4L2 layer reads
/// and sets it (G_FMT/S_FMT/TRY_FMT); a recording stores it whole so replay can restore it and
/// export can interpret the bytes.
///
/// Encodes (Codable) with the keys of a chunk's JSON stream description: `bufferType`, `fourcc`
/// (text) and `fourccCode` (the 32-bit value, so a big-endian code survives), `width`, `height`,
/// `field`, `colorspace`, `ycbcrEncoding`, `quantization`, `transferFunction`, `flags`, `planes`.
/// A description written before index schema 2 has no `fourccCode`, colorimetry or flags and
/// decodes with the code from its text and 0 (DEFAULT) for the rest.
public struct VideoFormat: Sendable, Equatable, Codable, CustomStringConvertible {
    public var bufferType: BufferType
    /// `pixelformat`, or `dataformat` for metadata queues.
    public var pixelFormat: PixelFormat
    /// Zero for metadata queues.
    public var width: UInt32
    public var height: UInt32
    public var field: Field
    /// `enum v4l2_colorspace`; 0 (DEFAULT) in a request lets the driver choose. Named by
    /// `FormatNames.colorspace`.
    public var colorspace: UInt32
    /// `enum v4l2_ycbcr_encoding`, or `enum v4l2_hsv_encoding` for HSV formats (one union in the
    /// kernel's struct); 0 = DEFAULT (the colorspace's own).
    public var ycbcrEncoding: UInt32
    /// `enum v4l2_quantization`; 0 = DEFAULT.
    public var quantization: UInt32
    /// `enum v4l2_xfer_func`; 0 = DEFAULT.
    public var transferFunction: UInt32
    /// `v4l2_pix_format.flags` (V4L2_PIX_FMT_FLAG_PREMUL_ALPHA, V4L2_PIX_FMT_FLAG_SET_CSC).
    public var flags: UInt32
    /// One entry per memory plane: one for single-planar and metadata queues. Empty in a request
    /// lets the driver choose the line stride and image size.
    public var planes: [PlaneLayout]

    public init(bufferType: BufferType, pixelFormat: PixelFormat, width: UInt32 = 0, height: UInt32 = 0,
                field: Field = .any, colorspace: UInt32 = 0, ycbcrEncoding: UInt32 = 0, quantization: UInt32 = 0,
                transferFunction: UInt32 = 0, flags: UInt32 = 0, planes: [PlaneLayout] = []) {
        self.bufferType = bufferType
        self.pixelFormat = pixelFormat
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

    /// "640x360 NV12 field none colorspace rec709 (bytesperline/sizeimage 640/345600)", with the
    /// names v4l2-ctl uses; DEFAULT colorimetry fields are left out.
    public var description: String {
        let layout = planes.map { "\($0.bytesPerLine)/\($0.sizeImage)" }.joined(separator: "+")
        if bufferType.isMeta { return "\(pixelFormat) buffer \(planes.first?.sizeImage ?? 0) bytes" }
        var text = "\(width)x\(height) \(pixelFormat)"
        if field != .any { text += " field \(field)" }
        if colorspace != 0 { text += " colorspace \(FormatNames.colorspace(colorspace))" }
        if ycbcrEncoding != 0 { text += " ycbcr-enc \(FormatNames.ycbcrEncoding(ycbcrEncoding))" }
        if quantization != 0 { text += " quantization \(FormatNames.quantization(quantization))" }
        if transferFunction != 0 { text += " xfer-func \(FormatNames.transferFunction(transferFunction))" }
        return text + (layout.isEmpty ? "" : " (bytesperline/sizeimage \(layout))")
    }

    /// Whether `self`, what a driver returned, gives what `request` asked for: the same code, the
    /// same size and, when the request named one, the same field and plane layout.
    public func satisfies(_ request: VideoFormat) -> Bool {
        guard pixelFormat == request.pixelFormat, width == request.width, height == request.height else { return false }
        if request.field != .any && field != request.field { return false }
        for (index, asked) in request.planes.enumerated() {
            guard index < planes.count else { return false }
            if asked.bytesPerLine != 0 && asked.bytesPerLine != planes[index].bytesPerLine { return false }
            if asked.sizeImage != 0 && asked.sizeImage > planes[index].sizeImage { return false }
        }
        return true
    }

    private enum CodingKeys: String, CodingKey {
        case bufferType, fourcc, fourccCode, width, height, field, colorspace
        case ycbcrEncoding, quantization, transferFunction, flags, planes
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        bufferType = try container.decode(BufferType.self, forKey: .bufferType)
        if let code = try container.decodeIfPresent(UInt32.self, forKey: .fourccCode) {
            pixelFormat = PixelFormat(rawValue: code)
        } else {
            pixelFormat = try container.decode(PixelFormat.self, forKey: .fourcc)
        }
        width = try container.decode(UInt32.self, forKey: .width)
        height = try container.decode(UInt32.self, forKey: .height)
        field = try container.decode(Field.self, forKey: .field)
        colorspace = try container.decode(UInt32.self, forKey: .colorspace)
        ycbcrEncoding = try container.decodeIfPresent(UInt32.self, forKey: .ycbcrEncoding) ?? 0
        quantization = try container.decodeIfPresent(UInt32.self, forKey: .quantization) ?? 0
        transferFunction = try container.decodeIfPresent(UInt32.self, forKey: .transferFunction) ?? 0
        flags = try container.decodeIfPresent(UInt32.self, forKey: .flags) ?? 0
        planes = try container.decode([PlaneLayout].self, forKey: .planes)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(bufferType, forKey: .bufferType)
        try container.encode(pixelFormat, forKey: .fourcc)
        try container.encode(pixelFormat.rawValue, forKey: .fourccCode)
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
