import CamrecStore

/// A condition of the stream itself that fires a trigger in ring mode (`--trigger-on`): the
/// camera's own evidence of trouble, seen per buffer.
public enum TriggerCondition: Sendable, Equatable, CustomStringConvertible {
    /// A buffer the driver flagged V4L2_BUF_FLAG_ERROR (status error).
    case errorBuffer
    /// A sequence gap of at least this many missing frames (driver drops; the recorder's own
    /// drops are not gaps).
    case sequenceGap(minimumMissing: UInt32)
    /// The recorder dropped a buffer (its memory budget or compression queue was full).
    case recorderDrop
    /// A frame interval (timestamp difference of consecutive recorded buffers of a stream)
    /// above this many nanoseconds.
    case intervalAbove(nanoseconds: Int64)

    /// What the event table calls it.
    public var trigger: RecordingEvent.Trigger {
        switch self {
        case .errorBuffer: .errorBuffer
        case .sequenceGap: .sequenceGap
        case .recorderDrop: .recorderDrop
        case .intervalAbove: .interval
        }
    }

    /// As `--trigger-on` spells it.
    public var description: String {
        switch self {
        case .errorBuffer: "error-buffer"
        case let .sequenceGap(minimum): minimum <= 1 ? "sequence-gap" : "sequence-gap>=\(minimum)"
        case .recorderDrop: "recorder-drop"
        case let .intervalAbove(nanoseconds): "interval>\(Double(nanoseconds) / 1e6)ms"
        }
    }
}
