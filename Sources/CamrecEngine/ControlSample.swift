import CamrecStore
import V4L2
import Foundation
import V4L2Vocabulary

/// A control of a capture node with the value read from it and when: at the start of a
/// recording, or after V4L2_EVENT_CTRL said it changed. Becomes a `ControlReading` row once its
/// stream is known.
struct ControlSample: Sendable {
    var control: ControlInfo
    /// nil when it has no value to read (a button, a write-only control) or reading failed.
    var value: ControlValue?
    /// CLOCK_MONOTONIC.
    var monotonicNanoseconds: Int64

    /// Reads the control's value; a control that fails to read is kept without a value, with a
    /// sentence saying why, rather than failing the recording.
    static func read(_ control: ControlInfo, from device: VideoDevice, at time: Int64) -> (sample: ControlSample, failure: String?) {
        do {
            return (ControlSample(control: control, value: try device.currentValue(of: control), monotonicNanoseconds: time), nil)
        } catch {
            return (ControlSample(control: control, value: nil, monotonicNanoseconds: time),
                    "control \(control.key) could not be read: \(error)")
        }
    }

    func reading(streamID: Int, event: ControlReading.Event) -> ControlReading {
        ControlReading(streamID: streamID, event: event, monotonicNanoseconds: monotonicNanoseconds, control: control,
                       value: value)
    }
}
