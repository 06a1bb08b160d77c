/// A V4L2 four-character pixel or metadata format code (`v4l2_fourcc('N','V','1','2')`).
public struct FourCC: Sendable, Codable, Hashable, CustomStringConvertible {
    /// The little-endian packed value, as in `v4l2_pix_format.pixelformat`.
    public var rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Builds a code from a string of at most four ASCII characters ("NV12", "RGB3", "Y8" padded with spaces).
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 4, bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) else { return nil }
        var value: UInt32 = 0
        for index in 0..<4 {
            let byte = index < bytes.count ? bytes[index] : 0x20
            value |= UInt32(byte) << (8 * UInt32(index))
        }
        rawValue = value
    }

    public var description: String {
        var text = ""
        for index in 0..<4 {
            let byte = UInt8(truncatingIfNeeded: rawValue >> (8 * UInt32(index)))
            text.append(byte >= 0x20 && byte < 0x7f ? Character(Unicode.Scalar(byte)) : "?")
        }
        // V4L2_PIX_FMT_FLAG_BE_FOURCC formats end in a set high bit; keep the text readable.
        return text.hasSuffix(" ") ? String(text.reversed().drop(while: { $0 == " " }).reversed()) : text
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
