/// A V4L2 four-character pixel or metadata format code, `v4l2_fourcc('N','V','1','2')`, as in
/// `v4l2_pix_format.pixelformat` and `v4l2_meta_format.dataformat`, with its big-endian bit
/// (V4L2_PIX_FMT_FLAG_BE_FOURCC, bit 31: `v4l2_fourcc_be`).
///
/// Encodes (Codable) as its text ("NV12", "Y16-BE"), which reads back as the same code.
public struct PixelFormat: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The little-endian packed value, as the kernel's structs carry it.
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Builds a code from one to four printable ASCII characters, padded with spaces ("Y8" ->
    /// "Y8  "), optionally followed by "-BE" for the big-endian variant ("Y16-BE" or "Y16 -BE", as
    /// v4l2-ctl prints it).
    public init?(_ text: String) {
        var characters = Substring(text)
        var bigEndian = false
        if characters.hasSuffix("-BE") && characters.count > 3 {
            characters = characters.dropLast(3)
            bigEndian = true
        }
        let bytes = Array(characters.utf8)
        guard !bytes.isEmpty, bytes.count <= 4, bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) else { return nil }
        var value: UInt32 = 0
        for index in 0..<4 {
            value |= UInt32(index < bytes.count ? bytes[index] : 0x20) << (8 * UInt32(index))
        }
        rawValue = bigEndian ? value | Self.bigEndianFlag : value
    }

    /// `v4l2_fourcc(a, b, c, d)` for the named formats below.
    private init(_ a: Unicode.Scalar, _ b: Unicode.Scalar, _ c: Unicode.Scalar, _ d: Unicode.Scalar) {
        rawValue = UInt32(UInt8(ascii: a)) | UInt32(UInt8(ascii: b)) << 8 | UInt32(UInt8(ascii: c)) << 16
            | UInt32(UInt8(ascii: d)) << 24
    }

    /// V4L2_PIX_FMT_FLAG_BE_FOURCC: bit 31 marks the big-endian variant of a little-endian format.
    public static let bigEndianFlag: UInt32 = 0x8000_0000

    /// Whether this is the big-endian variant of a little-endian format (bit 31 set).
    public var isBigEndianVariant: Bool { rawValue & Self.bigEndianFlag != 0 }

    /// The four characters, trailing spaces removed, and "-BE" for a big-endian variant
    /// ("Y16-BE"); `init?(_:)` reads it back as the same code.
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

    /// Formats whose payload is already compressed; camrec stores them without recompressing.
    public var isCompressed: Bool {
        ["MJPG", "JPEG", "H264", "HEVC", "VP80", "VP90", "AV1F", "MPG2", "MPG4", "H263", "FWHT", "AVC1", "S264"]
            .contains(description)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let code = PixelFormat(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not a fourcc")
        }
        self = code
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public static let nv12 = PixelFormat("N", "V", "1", "2")
    /// NV12 with its two planes in separate memory planes ("NM12").
    public static let nv12Multiplanar = PixelFormat("N", "M", "1", "2")
    public static let yuyv = PixelFormat("Y", "U", "Y", "V")
    public static let rgb24 = PixelFormat("R", "G", "B", "3")
    public static let bgr24 = PixelFormat("B", "G", "R", "3")
    public static let grey = PixelFormat("G", "R", "E", "Y")
    /// V4L2_PIX_FMT_SGRBG8 ("GRBG").
    public static let bayerGRBG8 = PixelFormat("G", "R", "B", "G")
    /// vivid's metadata format ("VIVD").
    public static let vividMetadata = PixelFormat("V", "I", "V", "D")
    /// FWHT, vicodec's compressed format with a header per frame (stateful codecs).
    public static let fwht = PixelFormat("F", "W", "H", "T")
    /// FWHT without headers, for the stateless decoder: the header travels as
    /// V4L2_CID_STATELESS_FWHT_PARAMS in the frame's media request ("SFWH").
    public static let fwhtStateless = PixelFormat("S", "F", "W", "H")
}
