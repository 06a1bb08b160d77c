import CV4L2
import V4L2Vocabulary
#if canImport(Glibc)
import Glibc
#endif

extension VideoDevice {
    /// The control's current value (VIDIOC_G_EXT_CTRLS); nil for a control that has none to read:
    /// a button, a write-only or a disabled control. A bitmask reads as its unsigned 32 bits.
    public func currentValue(of control: ControlInfo) throws(V4L2Error) -> ControlValue? {
        let unreadable = UInt32(V4L2_CTRL_FLAG_WRITE_ONLY) | UInt32(V4L2_CTRL_FLAG_DISABLED)
        if control.type == .button || control.type == .controlClass || control.flags & unreadable != 0 { return nil }
        if !control.hasPayload {
            var value: Int64 = 0
            guard cv4l2_get_control(descriptor.rawValue, control.id, control.type == .integer64 ? 1 : 0, &value) == 0 else {
                throw V4L2Error(operation: "VIDIOC_G_EXT_CTRLS", devicePath: path, errno: errno, context: "control '\(control.key)'")
            }
            if control.type == .bitmask { value = Int64(UInt32(truncatingIfNeeded: value)) }
            return .integer(value)
        }
        // A string control's maximum is its longest length, without the terminating NUL.
        let size = control.type == .string
            ? Int(clamping: control.maximum) + 1
            : Int(control.elementSize) * Int(control.elementCount)
        guard size > 0, size <= 16 << 20 else {
            throw V4L2Error(kind: .unsupported, operation: "VIDIOC_G_EXT_CTRLS", devicePath: path,
                            reason: "control '\(control.key)' reports a payload of \(size) bytes",
                            remedy: "Report this driver's control to its maintainers; camrec reads payloads of 1 byte to 16 MiB.")
        }
        var payload = [UInt8](repeating: 0, count: size)
        let status = payload.withUnsafeMutableBytes {
            cv4l2_get_control_payload(descriptor.rawValue, control.id, $0.baseAddress, UInt32(size))
        }
        guard status == 0 else {
            throw V4L2Error(operation: "VIDIOC_G_EXT_CTRLS", devicePath: path, errno: errno, context: "control '\(control.key)'")
        }
        if control.type == .string {
            let text = payload.prefix { $0 != 0 }
            return .text(String(decoding: text, as: UTF8.self))
        }
        return .bytes(payload)
    }
}
