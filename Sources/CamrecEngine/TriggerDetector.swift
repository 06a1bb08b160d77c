import CamrecStore

/// Watches the buffers of a ring recording in capture order and says which `TriggerCondition`s
/// they fire: error buffers, sequence gaps (the driver's; buffers the recorder dropped itself are
/// told to it first and do not count as gaps), frame intervals above a limit, and the recorder's
/// own drops. Runs on the write stage's thread.
struct TriggerDetector {
    /// A trigger a buffer or a drop fired.
    struct Fired: Sendable, Equatable {
        var trigger: RecordingEvent.Trigger
        var detail: String
        var streamID: Int?
        var sequence: UInt32?
        /// On the buffers' clock; nil for a recorder drop (it has no buffer), which takes the
        /// newest buffer's time.
        var timestampNanoseconds: Int64?
    }

    let conditions: [TriggerCondition]
    private var lastSequence: [Int: UInt32] = [:]
    private var lastTimestamp: [Int: Int64] = [:]

    init(conditions: [TriggerCondition]) {
        self.conditions = conditions
    }

    /// The triggers `buffer` fires.
    mutating func inspect(_ buffer: EncodedBuffer, streamName: String) -> [Fired] {
        let stream = buffer.streamID
        let metadata = buffer.metadata
        let sequence = metadata.sequence
        let timestamp = metadata.timestamp.nanoseconds
        defer {
            lastSequence[stream] = sequence
            lastTimestamp[stream] = timestamp
        }
        var fired: [Fired] = []
        func fire(_ trigger: RecordingEvent.Trigger, _ detail: String) {
            fired.append(Fired(trigger: trigger, detail: detail, streamID: stream, sequence: sequence,
                               timestampNanoseconds: timestamp))
        }
        for condition in conditions {
            switch condition {
            case .errorBuffer:
                if metadata.status == .error { fire(.errorBuffer, "\(streamName) sequence \(sequence): error buffer") }
            case let .sequenceGap(minimum):
                if let previous = lastSequence[stream] {
                    let missing = DriverDrops.missing(after: previous, before: sequence)
                    if missing >= max(1, minimum) {
                        fire(.sequenceGap, "\(streamName) sequence \(sequence) after \(previous): \(missing) missing")
                    }
                }
            case .recorderDrop:
                break
            case let .intervalAbove(limit):
                if let previous = lastTimestamp[stream], timestamp - previous > limit {
                    let interval = Double(timestamp - previous) / 1e6
                    fire(.interval, "\(streamName) sequence \(sequence): interval " + formatted(interval) + " ms after the previous buffer")
                }
            }
        }
        return fired
    }

    /// The recorder dropped `sequence` of `streamID`: it is not a driver's gap, and it fires the
    /// recorder-drop condition.
    mutating func recorderDropped(streamID: Int, sequence: UInt32, streamName: String, reason: String) -> Fired? {
        if let previous = lastSequence[streamID] {
            if sequence > previous { lastSequence[streamID] = sequence }
        } else {
            lastSequence[streamID] = sequence
        }
        guard conditions.contains(.recorderDrop) else { return nil }
        return Fired(trigger: .recorderDrop, detail: "\(streamName) sequence \(sequence) dropped by the recorder: \(reason)",
                     streamID: streamID, sequence: sequence, timestampNanoseconds: nil)
    }

    private func formatted(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        return tenths.isFinite ? "\(tenths / 10)" : "\(value)"
    }
}
