/// The field order of a frame or buffer (`enum v4l2_field`), named as v4l2-ctl names it
/// (`none`, `interlaced-tb`). Encodes (Codable) as its number.
public struct Field: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
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

    /// v4l2-ctl's name ("none", "seq-tb"), or the number for a value it has no name for.
    public var description: String { FormatNames.field(rawValue) }
}
