/// How a buffer came to belong to its request (the recorder's grouping evidence).
public enum RequestJoin: UInt8, Sendable, Codable {
    /// The buffer opened a new request.
    case opened = 0
    /// Joined a request with the same sequence and the same timestamp.
    case sameSequenceAndTimestamp = 1
    /// Joined a request whose timestamp is within the recording's tolerance.
    case timestampWithinTolerance = 2

    /// The name stored in the index's `requests.rule`.
    public var ruleName: String {
        switch self {
        case .opened: "single"
        case .sameSequenceAndTimestamp: "sequence+timestamp"
        case .timestampWithinTolerance: "timestamp-tolerance"
        }
    }
}
