/// The value of a V4L2 control (VIDIOC_G_EXT_CTRLS): a number for the scalar types (integer,
/// bool, menu, integer menu, bitmask, int64), text for a string control, and the payload's bytes
/// for an array or compound control (V4L2_CTRL_FLAG_HAS_PAYLOAD).
///
/// Encodes (Codable) as `{"integer":{"_0":5}}`, `{"text":{"_0":"x"}}` or `{"bytes":{"_0":"<base64>"}}`,
/// the shape of the chunks' `controls` records since index schema 3.
public enum ControlValue: Sendable, Equatable, Codable, CustomStringConvertible {
    case integer(Int64)
    case text(String)
    case bytes([UInt8])

    /// "5", "'text'", or "4 bytes 01020304" (the first 16 bytes in hex, then "...").
    public var description: String {
        switch self {
        case .integer(let value): String(value)
        case .text(let text): "'\(text)'"
        case .bytes(let bytes):
            "\(bytes.count) bytes " + bytes.prefix(16).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
                + (bytes.count > 16 ? "..." : "")
        }
    }

    private enum CodingKeys: String, CodingKey {
        case integer, text, bytes
    }

    private enum PayloadKeys: String, CodingKey {
        case value = "_0"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let key = container.allKeys.first, container.allKeys.count == 1 else {
            throw DecodingError.dataCorrupted(.init(codingPath: container.codingPath,
                                                    debugDescription: "a control value has one of integer, text or bytes"))
        }
        let payload = try container.nestedContainer(keyedBy: PayloadKeys.self, forKey: key)
        switch key {
        case .integer: self = .integer(try payload.decode(Int64.self, forKey: .value))
        case .text: self = .text(try payload.decode(String.self, forKey: .value))
        case .bytes:
            let text = try payload.decode(String.self, forKey: .value)
            guard let bytes = Base64.decode(text) else {
                throw DecodingError.dataCorruptedError(forKey: .value, in: payload,
                                                       debugDescription: "control bytes are not base64")
            }
            self = .bytes(bytes)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .integer(let value):
            var payload = container.nestedContainer(keyedBy: PayloadKeys.self, forKey: .integer)
            try payload.encode(value, forKey: .value)
        case .text(let text):
            var payload = container.nestedContainer(keyedBy: PayloadKeys.self, forKey: .text)
            try payload.encode(text, forKey: .value)
        case .bytes(let bytes):
            var payload = container.nestedContainer(keyedBy: PayloadKeys.self, forKey: .bytes)
            try payload.encode(Base64.encode(bytes), forKey: .value)
        }
    }
}
