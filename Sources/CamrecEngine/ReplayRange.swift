import CamrecStore

/// Where a replay starts or stops: a buffer sequence number, or a time after the first
/// replayed buffer's timestamp. Parsed from `--from`/`--until`: "120" is sequence 120,
/// "2.5s" or "500ms" is a time (0 up to what Int64 nanoseconds hold, about 292 years).
public enum ReplayBound: Sendable, Equatable, CustomStringConvertible {
    case sequence(UInt32)
    case nanosecondsFromStart(Int64)

    public init?(_ text: String) {
        let lower = text.lowercased()
        // Int64(exactly:) is nil for NaN, infinities and products beyond Int64 (1e30s), where
        // Int64(value * 1e9) would trap.
        if lower.hasSuffix("ms"), let value = Double(lower.dropLast(2)), value >= 0,
           let nanoseconds = Int64(exactly: (value * 1e6).rounded(.towardZero)) {
            self = .nanosecondsFromStart(nanoseconds)
        } else if lower.hasSuffix("s"), let value = Double(lower.dropLast()), value >= 0,
                  let nanoseconds = Int64(exactly: (value * 1e9).rounded(.towardZero)) {
            self = .nanosecondsFromStart(nanoseconds)
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
