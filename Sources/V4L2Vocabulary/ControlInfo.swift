/// One control of a device as VIDIOC_QUERY_EXT_CTRL (and VIDIOC_QUERYMENU) describe it
/// (`struct v4l2_query_ext_ctrl`), e.g. vivid's "OSD Text Mode".
public struct ControlInfo: Sendable, Equatable {
    /// V4L2_CID_*.
    public var id: UInt32
    /// The driver's name, e.g. "OSD Text Mode".
    public var name: String
    /// The name as `v4l2-ctl` spells it, e.g. "osd_text_mode"; controls are looked up by this or `name`.
    public var key: String
    public var type: ControlType
    public var minimum: Int64
    public var maximum: Int64
    public var step: UInt64
    public var defaultValue: Int64
    /// V4L2_CTRL_FLAG_* (`ControlFlags` names them).
    public var flags: UInt32
    /// For menu controls: the valid entries.
    public var menu: [MenuEntry]
    /// For a control with a payload (V4L2_CTRL_FLAG_HAS_PAYLOAD: a string, array or compound
    /// control): bytes per element and elements; its value is `elementSize * elementCount` bytes.
    public var elementSize: UInt32
    public var elementCount: UInt32

    public init(id: UInt32, name: String, key: String, type: ControlType, minimum: Int64, maximum: Int64, step: UInt64,
                defaultValue: Int64, flags: UInt32, menu: [MenuEntry] = [], elementSize: UInt32 = 0, elementCount: UInt32 = 1) {
        self.id = id
        self.name = name
        self.key = key
        self.type = type
        self.minimum = minimum
        self.maximum = maximum
        self.step = step
        self.defaultValue = defaultValue
        self.flags = flags
        self.menu = menu
        self.elementSize = elementSize
        self.elementCount = elementCount
    }

    /// V4L2_CTRL_FLAG_HAS_PAYLOAD: the value is not a number but a string, array or compound payload.
    public var hasPayload: Bool { flags & ControlFlags.hasPayload != 0 }

    /// V4L2_CTRL_FLAG_DISABLED and V4L2_CTRL_FLAG_READ_ONLY are not set.
    public var isWritable: Bool { flags & (ControlFlags.disabled | ControlFlags.readOnly) == 0 }

    /// The `v4l2-ctl` spelling of a control name: lowercase letters and digits, words joined by "_".
    public static func key(forName name: String) -> String {
        var key = ""
        var pendingUnderscore = false
        for character in name.lowercased() {
            if character.isASCII && (character.isLetter || character.isNumber) {
                if pendingUnderscore { key.append("_") }
                pendingUnderscore = false
                key.append(character)
            } else if !key.isEmpty {
                pendingUnderscore = true
            }
        }
        return key
    }
}

/// One entry of a menu control (`struct v4l2_querymenu`): its index and name (for an integer
/// menu, the value as text).
public struct MenuEntry: Sendable, Equatable, Codable {
    public var index: Int64
    public var name: String

    public init(index: Int64, name: String) {
        self.index = index
        self.name = name
    }
}

/// The V4L2_CTRL_FLAG_* bits of `v4l2_query_ext_ctrl.flags` (values from linux/videodev2.h).
public enum ControlFlags {
    public static let disabled: UInt32 = 0x0001
    public static let grabbed: UInt32 = 0x0002
    public static let readOnly: UInt32 = 0x0004
    public static let update: UInt32 = 0x0008
    public static let inactive: UInt32 = 0x0010
    public static let slider: UInt32 = 0x0020
    public static let writeOnly: UInt32 = 0x0040
    public static let volatile: UInt32 = 0x0080
    public static let hasPayload: UInt32 = 0x0100
    public static let executeOnWrite: UInt32 = 0x0200
    public static let modifyLayout: UInt32 = 0x0400
    public static let dynamicArray: UInt32 = 0x0800
}
