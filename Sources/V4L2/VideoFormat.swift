import CV4L2
import V4L2Vocabulary

extension VideoFormat {
    /// The format `raw` holds for a queue of `bufferType`.
    init(_ raw: v4l2_format, bufferType: BufferType) {
        var raw = raw
        switch bufferType {
        case .metaCapture, .metaOutput:
            let meta = raw.fmt.meta
            self.init(bufferType: bufferType, pixelFormat: PixelFormat(rawValue: meta.dataformat),
                      field: .none, planes: [PlaneLayout(bytesPerLine: 0, sizeImage: meta.buffersize)])
        case .videoCaptureMultiplanar, .videoOutputMultiplanar:
            let pix = raw.fmt.pix_mp
            let count = min(Int(pix.num_planes), Int(VIDEO_MAX_PLANES))
            let layouts = withUnsafeBytes(of: &raw.fmt.pix_mp.plane_fmt) { bytes in
                (0..<count).map { index in
                    let plane = bytes.load(fromByteOffset: index * MemoryLayout<v4l2_plane_pix_format>.stride,
                                           as: v4l2_plane_pix_format.self)
                    return PlaneLayout(bytesPerLine: plane.bytesperline, sizeImage: plane.sizeimage)
                }
            }
            self.init(bufferType: bufferType, pixelFormat: PixelFormat(rawValue: pix.pixelformat),
                      width: pix.width, height: pix.height, field: Field(rawValue: pix.field),
                      colorspace: pix.colorspace, ycbcrEncoding: UInt32(pix.ycbcr_enc),
                      quantization: UInt32(pix.quantization), transferFunction: UInt32(pix.xfer_func),
                      flags: UInt32(pix.flags), planes: layouts)
        case .videoCapture, .videoOutput:
            let pix = raw.fmt.pix
            self.init(bufferType: bufferType, pixelFormat: PixelFormat(rawValue: pix.pixelformat),
                      width: pix.width, height: pix.height, field: Field(rawValue: pix.field),
                      colorspace: pix.colorspace, ycbcrEncoding: pix.ycbcr_enc,
                      quantization: pix.quantization, transferFunction: pix.xfer_func,
                      flags: pix.priv == Self.privMagic ? pix.flags : 0,
                      planes: [PlaneLayout(bytesPerLine: pix.bytesperline, sizeImage: pix.sizeimage)])
        }
    }

    /// V4L2_PIX_FMT_PRIV_MAGIC: `v4l2_pix_format.priv` saying the fields after it are valid.
    static let privMagic: UInt32 = 0xfeed_cafe

    /// The `struct v4l2_format` to hand to S_FMT or TRY_FMT.
    var raw: v4l2_format {
        var raw = v4l2_format()
        raw.type = bufferType.rawValue
        switch bufferType {
        case .metaCapture, .metaOutput:
            raw.fmt.meta.dataformat = pixelFormat.rawValue
            raw.fmt.meta.buffersize = planes.first?.sizeImage ?? 0
        case .videoCaptureMultiplanar, .videoOutputMultiplanar:
            raw.fmt.pix_mp.width = width
            raw.fmt.pix_mp.height = height
            raw.fmt.pix_mp.pixelformat = pixelFormat.rawValue
            raw.fmt.pix_mp.field = field.rawValue
            raw.fmt.pix_mp.colorspace = colorspace
            raw.fmt.pix_mp.ycbcr_enc = UInt8(truncatingIfNeeded: ycbcrEncoding)
            raw.fmt.pix_mp.quantization = UInt8(truncatingIfNeeded: quantization)
            raw.fmt.pix_mp.xfer_func = UInt8(truncatingIfNeeded: transferFunction)
            raw.fmt.pix_mp.flags = UInt8(truncatingIfNeeded: flags)
            let count = min(planes.count, Int(VIDEO_MAX_PLANES))
            raw.fmt.pix_mp.num_planes = UInt8(count)
            withUnsafeMutableBytes(of: &raw.fmt.pix_mp.plane_fmt) { bytes in
                for index in 0..<count {
                    var plane = v4l2_plane_pix_format()
                    plane.bytesperline = planes[index].bytesPerLine
                    plane.sizeimage = planes[index].sizeImage
                    bytes.storeBytes(of: plane, toByteOffset: index * MemoryLayout<v4l2_plane_pix_format>.stride,
                                     as: v4l2_plane_pix_format.self)
                }
            }
        case .videoCapture, .videoOutput:
            raw.fmt.pix.width = width
            raw.fmt.pix.height = height
            raw.fmt.pix.pixelformat = pixelFormat.rawValue
            raw.fmt.pix.field = field.rawValue
            raw.fmt.pix.colorspace = colorspace
            raw.fmt.pix.ycbcr_enc = ycbcrEncoding
            raw.fmt.pix.quantization = quantization
            raw.fmt.pix.xfer_func = transferFunction
            raw.fmt.pix.flags = flags
            // Without V4L2_PIX_FMT_PRIV_MAGIC the kernel zeroes flags and the colorimetry after
            // the colorspace of a single-planar format before the driver sees it.
            raw.fmt.pix.priv = Self.privMagic
            raw.fmt.pix.bytesperline = planes.first?.bytesPerLine ?? 0
            raw.fmt.pix.sizeimage = planes.first?.sizeImage ?? 0
        }
        return raw
    }
}

/// One format a queue supports (`struct v4l2_fmtdesc` from VIDIOC_ENUM_FMT).
public struct FormatDescription: Sendable, Equatable {
    public var pixelFormat: PixelFormat
    /// The driver's name for it, e.g. "YUYV 4:2:2".
    public var name: String
    /// V4L2_FMT_FLAG_COMPRESSED.
    public var isCompressed: Bool
    /// V4L2_FMT_FLAG_EMULATED (libv4l conversion, not the hardware).
    public var isEmulated: Bool
    /// `v4l2_fmtdesc.flags` as returned.
    public var flags: UInt32
}

/// The frame sizes a format supports (`struct v4l2_frmsizeenum`).
public enum FrameSizes: Sendable, Equatable {
    /// A list of sizes.
    case discrete([FrameSize])
    /// Any size in the range on the step grid (V4L2_FRMSIZE_TYPE_STEPWISE).
    case stepwise(FrameSizeRange)
    /// Any size in the range (V4L2_FRMSIZE_TYPE_CONTINUOUS).
    case continuous(FrameSizeRange)
}

/// A width and height in pixels.
public struct FrameSize: Sendable, Hashable, CustomStringConvertible {
    public var width: UInt32
    public var height: UInt32
    public init(width: UInt32, height: UInt32) {
        self.width = width
        self.height = height
    }
    public var description: String { "\(width)x\(height)" }
}

/// A range of frame sizes on a step grid.
public struct FrameSizeRange: Sendable, Equatable, CustomStringConvertible {
    public var minimum: FrameSize
    public var maximum: FrameSize
    public var widthStep: UInt32
    public var heightStep: UInt32
    public var description: String { "\(minimum) - \(maximum), step \(widthStep)x\(heightStep)" }
}

/// A frame interval in seconds as a fraction (`struct v4l2_fract`).
public struct FrameInterval: Sendable, Hashable, CustomStringConvertible {
    public var numerator: UInt32
    public var denominator: UInt32

    public init(numerator: UInt32, denominator: UInt32) {
        self.numerator = numerator
        self.denominator = denominator
    }
    /// Frames per second, when the interval is not zero.
    public var framesPerSecond: Double? { numerator == 0 ? nil : Double(denominator) / Double(numerator) }
    public var description: String {
        guard let rate = framesPerSecond else { return "\(numerator)/\(denominator) s" }
        let rounded = (rate * 1000).rounded() / 1000
        return "\(numerator)/\(denominator) s (\(rounded) fps)"
    }
}
