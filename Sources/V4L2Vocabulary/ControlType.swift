/// `enum v4l2_ctrl_type`, named as v4l2-ctl names it ("int", "menu", "u8"). Encodes (Codable)
/// as its number.
public struct ControlType: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let integer = ControlType(rawValue: 1)
    public static let boolean = ControlType(rawValue: 2)
    public static let menu = ControlType(rawValue: 3)
    public static let button = ControlType(rawValue: 4)
    public static let integer64 = ControlType(rawValue: 5)
    public static let controlClass = ControlType(rawValue: 6)
    public static let string = ControlType(rawValue: 7)
    public static let bitmask = ControlType(rawValue: 8)
    public static let integerMenu = ControlType(rawValue: 9)
    public static let u8 = ControlType(rawValue: 0x0100)
    public static let u16 = ControlType(rawValue: 0x0101)
    public static let u32 = ControlType(rawValue: 0x0102)
    public static let area = ControlType(rawValue: 0x0106)

    /// Whether the value is a single number (VIDIOC_G_EXT_CTRLS `value` or `value64`).
    public var isScalar: Bool {
        [.integer, .boolean, .menu, .button, .integer64, .bitmask, .integerMenu].contains(self)
    }

    public var description: String {
        switch self {
        case .integer: "int"
        case .boolean: "bool"
        case .menu: "menu"
        case .button: "button"
        case .integer64: "int64"
        case .controlClass: "class"
        case .string: "string"
        case .bitmask: "bitmask"
        case .integerMenu: "intmenu"
        case .u8: "u8"
        case .u16: "u16"
        case .u32: "u32"
        case .area: "area"
        default: "type \(rawValue)"
        }
    }
}
