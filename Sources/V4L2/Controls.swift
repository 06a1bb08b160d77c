import CV4L2
import V4L2Vocabulary
#if canImport(Glibc)
import Glibc
#endif

extension ControlInfo {
    /// The control `raw` describes, with its menu entries.
    init(_ raw: v4l2_query_ext_ctrl, menu: [MenuEntry]) {
        let name = string(fromCArray: raw.name)
        self.init(id: raw.id, name: name, key: ControlInfo.key(forName: name), type: ControlType(rawValue: raw.type),
                  minimum: raw.minimum, maximum: raw.maximum, step: raw.step, defaultValue: raw.default_value,
                  flags: raw.flags, menu: menu, elementSize: raw.elem_size, elementCount: raw.elems)
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
        try setControl(try scalarControl(named: name), to: value)
    }

    /// Sets a scalar control described by VIDIOC_QUERY_EXT_CTRL (VIDIOC_S_EXT_CTRLS); refuses a
    /// value outside its range before asking the driver.
    public func setControl(_ control: ControlInfo, to value: Int64) throws(V4L2Error) {
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
