import V4L2
import V4L2Vocabulary

/// What `replay --restore-controls` did with one control recorded at the start: set it on the
/// target, skipped it (the target has no control of that name, or it is read-only, inactive,
/// disabled, of another type, or has no value to set), or the target refused the value.
public struct ControlRestoration: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        case applied
        case skipped(reason: String)
        case refused(reason: String)
    }

    /// The control's name as v4l2-ctl spells it.
    public var key: String
    public var recordedValue: ControlValue?
    public var outcome: Outcome

    /// "brightness = 200 restored on /dev/video1", "skipped contrast: /dev/video1 has no such control".
    public func sentence(device: String) -> String {
        switch outcome {
        case .applied: "restored control \(key) = \(recordedValue.map(\.description) ?? "?") on \(device)"
        case .skipped(let reason): "skipped control \(key): \(reason)"
        case .refused(let reason): "control \(key) refused by \(device): \(reason)"
        }
    }

    /// Sets each recorded control (`start` readings) on `device` where a control of the same name
    /// (v4l2-ctl's key) exists and can be set, in the recorded order. Never throws: each control
    /// gets its outcome, so one the target refuses does not keep the others from being restored.
    public static func restore(_ readings: [ControlReading], on device: VideoDevice) -> [ControlRestoration] {
        let starts = readings.filter { $0.event == .start }
        let available: [ControlInfo]
        do {
            available = try device.controls()
        } catch {
            return starts.map { ControlRestoration(key: $0.key, recordedValue: $0.value,
                                                     outcome: .refused(reason: "its controls cannot be listed: \(error)")) }
        }
        return starts.map { reading in
            ControlRestoration(key: reading.key, recordedValue: reading.value,
                               outcome: outcome(of: reading, among: available, on: device))
        }
    }

    private static func outcome(of reading: ControlReading, among available: [ControlInfo], on device: VideoDevice) -> Outcome {
        guard let target = available.first(where: { $0.key == reading.key }) else {
            return .skipped(reason: "\(device.path) has no such control")
        }
        if target.flags & ControlFlags.readOnly != 0 { return .skipped(reason: "read-only on \(device.path)") }
        if target.flags & ControlFlags.disabled != 0 { return .skipped(reason: "disabled on \(device.path)") }
        if target.flags & ControlFlags.inactive != 0 { return .skipped(reason: "inactive on \(device.path)") }
        if target.type == .button { return .skipped(reason: "a button, which has no value to restore") }
        if target.type != reading.type {
            return .skipped(reason: "recorded as type \(reading.typeName), but \(device.path) has it as \(target.type)")
        }
        switch reading.value {
        case nil:
            return .skipped(reason: "no value was recorded (write-only)")
        case .text?, .bytes?:
            return .skipped(reason: "string and compound controls are not restored (camrec sets numbers only)")
        case .integer(let value)?:
            do {
                try device.setControl(target, to: value)
                return .applied
            } catch {
                return .refused(reason: error.description)
            }
        }
    }
}
