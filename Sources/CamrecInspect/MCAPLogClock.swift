import CamrecStore

/// Which clock the MCAP export's log and publish times are on. The messages' own `timestamp`
/// fields always keep the recorded timestamp.
public enum MCAPLogClock: String, Sendable, CaseIterable {
    /// The buffers' recorded timestamps as they are (CLOCK_MONOTONIC for V4L2 capture: time since
    /// the machine booted), so the summary's times equal `camrec info`'s.
    case recorded
    /// Calendar time: each timestamp moved by the recording's start pair (wall - monotonic), so the
    /// exports of many rigs line up on one timeline (Foxglove's data platform files recordings by it).
    case wall

    /// The log time of a recorded timestamp (ns); values from the index, so the sums saturate.
    func logTime(_ timestamp: Int64, info: RecordingInfo) -> UInt64 {
        switch self {
        case .recorded:
            return UInt64(max(0, timestamp))
        case .wall:
            let offset = info.startWallNanoseconds.saturatingSubtracting(info.startMonotonicNanoseconds)
            return UInt64(max(0, timestamp.saturatingAdding(offset)))
        }
    }
}
