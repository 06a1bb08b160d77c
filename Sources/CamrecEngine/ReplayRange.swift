import CamrecStore

/// Where a replay starts or stops: a buffer sequence number, or a time after the first
/// replayed buffer's timestamp. Parsed from `--from`/`--until`: "120" is sequence 120,
/// "2.5s" or "500ms" is a time.
public enum ReplayBound: Sendable, Equatable, CustomStringConvertible {
    case sequence(UInt32)
    case nanosecondsFromStart(Int64)

    public init?(_ text: String) {
        let lower = text.lowercased()
        if lower.hasSuffix("ms"), let value = Double(lower.dropLast(2)), value >= 0, value.isFinite {
            self = .nanosecondsFromStart(Int64(value * 1e6))
        } else if lower.hasSuffix("s"), let value = Double(lower.dropLast()), value >= 0, value.isFinite {
            self = .nanosecondsFromStart(Int64(value * 1e9))
        } else if let sequence = UInt32(text) {
            self = .sequence(sequence)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case let .sequence(sequence): "sequence \(sequence)"
        case let .nanosecondsFromStart(nanoseconds): "\(Double(nanoseconds) / 1e9) s"
        }
    }
}
