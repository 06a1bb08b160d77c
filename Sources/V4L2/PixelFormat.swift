import CV4L2

/// A V4L2 pixel or metadata format code, `v4l2_fourcc('N','V','1','2')`, as in
/// `v4l2_pix_format.pixelformat` and `v4l2_meta_format.dataformat`.
public struct PixelFormat: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Builds a code from one to four printable ASCII characters, padded with spaces ("Y8" -> "Y8  ").
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 4, bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) else { return nil }
        var value: UInt32 = 0
        for index in 0..<4 {
            value |= UInt32(index < bytes.count ? bytes[index] : 0x20) << (8 * UInt32(index))
        }
        rawValue = value
    }

    /// V4L2_PIX_FMT_FLAG_BE_FOURCC: the big-endian variant of a little-endian format.
    public var isBigEndianVariant: Bool { rawValue & 0x8000_0000 != 0 }

    /// The four characters, trailing spaces removed; "-BE" marks V4L2_PIX_FMT_FLAG_BE_FOURCC.
    public var description: String {
        var text = ""
        for index in 0..<4 {
            var byte = UInt8(truncatingIfNeeded: rawValue >> (8 * UInt32(index)))
            if index == 3 { byte &= 0x7f }
            text.append(byte >= 0x20 && byte < 0x7f ? Character(Unicode.Scalar(byte)) : "?")
        }
        while text.hasSuffix(" ") { text.removeLast() }
        return isBigEndianVariant ? text + "-BE" : text
    }

    public static let nv12 = PixelFormat(rawValue: CV4L2_PIX_FMT_NV12)
    /// NV12 with its two planes in separate memory planes ("NM12").
    public static let nv12Multiplanar = PixelFormat(rawValue: CV4L2_PIX_FMT_NV12M)
    public static let yuyv = PixelFormat(rawValue: CV4L2_PIX_FMT_YUYV)
    public static let rgb24 = PixelFormat(rawValue: CV4L2_PIX_FMT_RGB24)
    public static let bgr24 = PixelFormat(rawValue: CV4L2_PIX_FMT_BGR24)
    public static let grey = PixelFormat(rawValue: CV4L2_PIX_FMT_GREY)
    public static let bayerGRBG8 = PixelFormat(rawValue: CV4L2_PIX_FMT_SGRBG8)
    /// vivid's metadata format ("VIVD").
    public static let vividMetadata = PixelFormat(rawValue: CV4L2_META_FMT_VIVID)
}

extension PixelFormat {
    /// FWHT, vicodec's compressed format with a header per frame (stateful codecs).
    public static let fwht = PixelFormat(rawValue: CV4L2_PIX_FMT_FWHT)
    /// FWHT without headers, for the stateless decoder: the header travels as
    /// V4L2_CID_STATELESS_FWHT_PARAMS in the frame's media request ("SFWH").
    public static let fwhtStateless = PixelFormat(rawValue: CV4L2_PIX_FMT_FWHT_STATELESS)
}
