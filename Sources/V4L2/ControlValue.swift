import CV4L2
#if canImport(Glibc)
import Glibc
#endif

/// The current value of a V4L2 control: a number for the scalar types (integer, bool, menu,
/// integer menu, bitmask, int64), text for a string control, and the payload's bytes for an
/// array or compound control (V4L2_CTRL_FLAG_HAS_PAYLOAD).
public enum ControlValue: Sendable, Equatable {
    case integer(Int64)
    case text(String)
    case bytes([UInt8])
}

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
