/// A V4L2 four-character pixel or metadata format code (`v4l2_fourcc('N','V','1','2')`).
public struct FourCC: Sendable, Codable, Hashable, CustomStringConvertible {
    /// The little-endian packed value, as in `v4l2_pix_format.pixelformat`.
    public var rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Builds a code from a string of at most four ASCII characters ("NV12", "RGB3", "Y8" padded
    /// with spaces), optionally followed by "-BE" for a big-endian variant
    /// (V4L2_PIX_FMT_FLAG_BE_FOURCC, bit 31: "Y16-BE" or "Y16 -BE", as v4l2-ctl prints it).
    public init?(_ text: String) {
        var characters = text
        var bigEndian = false
        if characters.hasSuffix("-BE") && characters.count > 3 {
            characters.removeLast(3)
            bigEndian = true
        }
        let bytes = Array(characters.utf8)
        guard !bytes.isEmpty, bytes.count <= 4, bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) else { return nil }
        var value: UInt32 = 0
        for index in 0..<4 {
            let byte = index < bytes.count ? bytes[index] : 0x20
            value |= UInt32(byte) << (8 * UInt32(index))
        }
        rawValue = bigEndian ? value | Self.bigEndianFlag : value
    }

    /// V4L2_PIX_FMT_FLAG_BE_FOURCC: bit 31 marks the big-endian variant of a format.
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

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let code = FourCC(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not a fourcc")
        }
        self = code
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Formats whose payload is already compressed; camrec stores them without recompressing.
    public var isCompressed: Bool {
        ["MJPG", "JPEG", "H264", "HEVC", "VP80", "VP90", "AV1F", "MPG2", "MPG4", "H263", "FWHT", "AVC1", "S264"]
            .contains(description)
    }
}
