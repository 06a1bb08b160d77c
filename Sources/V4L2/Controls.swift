import CV4L2
#if canImport(Glibc)
import Glibc
#endif

/// One control of a device (`struct v4l2_query_ext_ctrl`), e.g. vivid's "OSD Text Mode".
public struct ControlInfo: Sendable, Equatable {
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
    /// V4L2_CTRL_FLAG_*.
    public var flags: UInt32
    /// For menu controls: the valid entries.
    public var menu: [MenuEntry]
    /// For a control with a payload (V4L2_CTRL_FLAG_HAS_PAYLOAD: a string, array or compound
    /// control): bytes per element and elements; its value is `elementSize * elementCount` bytes.
    public var elementSize: UInt32 = 0
    public var elementCount: UInt32 = 1

    /// V4L2_CTRL_FLAG_HAS_PAYLOAD: the value is not a number but a string, array or compound payload.
    public var hasPayload: Bool { flags & UInt32(V4L2_CTRL_FLAG_HAS_PAYLOAD) != 0 }

    /// V4L2_CTRL_FLAG_DISABLED or V4L2_CTRL_FLAG_INACTIVE is not set and it is not read-only.
    public var isWritable: Bool {
        flags & (UInt32(V4L2_CTRL_FLAG_DISABLED) | UInt32(V4L2_CTRL_FLAG_READ_ONLY)) == 0
    }

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

extension ControlInfo {
    init(_ raw: v4l2_query_ext_ctrl, menu: [MenuEntry]) {
        let name = string(fromCArray: raw.name)
        self.init(id: raw.id, name: name, key: ControlInfo.key(forName: name), type: ControlType(rawValue: raw.type),
                  minimum: raw.minimum, maximum: raw.maximum, step: raw.step, defaultValue: raw.default_value,
                  flags: raw.flags, menu: menu, elementSize: raw.elem_size, elementCount: raw.elems)
    }
}

/// One entry of a menu control (`struct v4l2_querymenu`).
public struct MenuEntry: Sendable, Equatable {
    public var index: Int64
    public var name: String
}

/// `enum v4l2_ctrl_type`.
public struct ControlType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let integer = ControlType(rawValue: V4L2_CTRL_TYPE_INTEGER.rawValue)
    public static let boolean = ControlType(rawValue: V4L2_CTRL_TYPE_BOOLEAN.rawValue)
    public static let menu = ControlType(rawValue: V4L2_CTRL_TYPE_MENU.rawValue)
    public static let button = ControlType(rawValue: V4L2_CTRL_TYPE_BUTTON.rawValue)
    public static let integer64 = ControlType(rawValue: V4L2_CTRL_TYPE_INTEGER64.rawValue)
    public static let controlClass = ControlType(rawValue: V4L2_CTRL_TYPE_CTRL_CLASS.rawValue)
    public static let string = ControlType(rawValue: V4L2_CTRL_TYPE_STRING.rawValue)
    public static let bitmask = ControlType(rawValue: V4L2_CTRL_TYPE_BITMASK.rawValue)
    public static let integerMenu = ControlType(rawValue: V4L2_CTRL_TYPE_INTEGER_MENU.rawValue)

    /// Whether the value is a single number that `value(ofControl:)` and `setControl` handle.
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
        case ControlType(rawValue: V4L2_CTRL_TYPE_U8.rawValue): "u8"
        case ControlType(rawValue: V4L2_CTRL_TYPE_U16.rawValue): "u16"
        case ControlType(rawValue: V4L2_CTRL_TYPE_U32.rawValue): "u32"
        case ControlType(rawValue: V4L2_CTRL_TYPE_AREA.rawValue): "area"
        default: "type \(rawValue)"
        }
    }
}

extension VideoDevice {
    /// Every control of the node (VIDIOC_QUERY_EXT_CTRL with V4L2_CTRL_FLAG_NEXT_CTRL), with
    /// menu entries; control-class headings are left out.
    public func controls() throws(V4L2Error) -> [ControlInfo] {
        var result: [ControlInfo] = []
        var nextID = UInt32(V4L2_CTRL_FLAG_NEXT_CTRL) | UInt32(V4L2_CTRL_FLAG_NEXT_COMPOUND)
        while true {
            var raw = v4l2_query_ext_ctrl()
            raw.id = nextID
            do {
                try descriptor.ioctl(.queryExtendedControl, &raw)
            } catch where error.errno == EINVAL || error.errno == ENOTTY {
                break
            }
            nextID = raw.id | UInt32(V4L2_CTRL_FLAG_NEXT_CTRL) | UInt32(V4L2_CTRL_FLAG_NEXT_COMPOUND)
            let type = ControlType(rawValue: raw.type)
            if type == .controlClass { continue }
            let name = string(fromCArray: raw.name)
            var menu: [MenuEntry] = []
            if type == .menu || type == .integerMenu, raw.minimum >= 0, raw.maximum < 1024 {
                for index in raw.minimum...raw.maximum {
                    var item = v4l2_querymenu()
                    item.id = raw.id
                    item.index = UInt32(index)
                    // Menus may have holes: QUERYMENU fails (EINVAL) for skipped entries.
                    guard (try? descriptor.ioctl(.queryMenu, &item)) != nil else { continue }
                    let label = type == .menu ? string(fromCArray: item.name) : String(item.value)
                    menu.append(MenuEntry(index: index, name: label))
                }
            }
            result.append(ControlInfo(raw, menu: menu))
        }
        return result
    }

    /// The control with this V4L2_CID_* (VIDIOC_QUERY_EXT_CTRL), without its menu entries: what a
    /// V4L2_EVENT_CTRL refers to, read again because its range or flags may have changed too.
    public func control(id: UInt32) throws(V4L2Error) -> ControlInfo {
        var raw = v4l2_query_ext_ctrl()
        raw.id = id
        try descriptor.ioctl(.queryExtendedControl, &raw, context: "control 0x\(String(id, radix: 16))")
        return ControlInfo(raw, menu: [])
    }

    /// The control whose `key` ("osd_text_mode") or `name` ("OSD Text Mode") is `name`.
    public func control(named name: String) throws(V4L2Error) -> ControlInfo {
        let all = try controls()
        let wanted = ControlInfo.key(forName: name)
        guard let found = all.first(where: { $0.key == wanted || $0.name == name }) else {
            throw V4L2Error(kind: .notFound, operation: "VIDIOC_QUERY_EXT_CTRL", devicePath: path,
                            reason: "no control named '\(name)'; it has: \(all.map(\.key).joined(separator: ", "))",
                            remedy: "Use one of the listed control names (as `v4l2-ctl -l` prints them).")
        }
        return found
    }

    /// The current value of a scalar control (VIDIOC_G_EXT_CTRLS).
    public func value(ofControl name: String) throws(V4L2Error) -> Int64 {
        let control = try scalarControl(named: name)
        var value: Int64 = 0
        guard cv4l2_get_control(descriptor.rawValue, control.id, control.type == .integer64 ? 1 : 0, &value) == 0 else {
            throw V4L2Error(operation: "VIDIOC_G_EXT_CTRLS", devicePath: path, errno: errno, context: "control '\(control.key)'")
        }
        return value
    }

    /// Sets a scalar control (VIDIOC_S_EXT_CTRLS); for a button control the value is ignored and
    /// the button is pressed.
    public func setControl(_ name: String, to value: Int64) throws(V4L2Error) {
        let control = try scalarControl(named: name)
        if control.type != .button && control.type != .integer64 && (value < control.minimum || value > control.maximum) {
            throw V4L2Error(kind: .system, operation: "VIDIOC_S_EXT_CTRLS", devicePath: path,
                            reason: "control '\(control.key)' takes \(control.minimum)...\(control.maximum), not \(value)",
                            remedy: "Choose a value in the range.")
        }
        guard cv4l2_set_control(descriptor.rawValue, control.id, control.type == .integer64 ? 1 : 0, value) == 0 else {
            throw V4L2Error(operation: "VIDIOC_S_EXT_CTRLS", devicePath: path, errno: errno,
                            context: "setting control '\(control.key)' to \(value)")
        }
    }

    private func scalarControl(named name: String) throws(V4L2Error) -> ControlInfo {
        let control = try control(named: name)
        guard control.type.isScalar else {
            throw V4L2Error(kind: .unsupported, operation: "VIDIOC_S_EXT_CTRLS", devicePath: path,
                            reason: "control '\(control.key)' is of type \(control.type), not a number",
                            remedy: "Use v4l2-ctl for string and compound controls.")
        }
        return control
    }
}
