import CamrecStore

/// Why `camrec diff` compared nothing: some paired streams have formats no conversion brings to
/// one representation (different sizes, metadata formats, compressed formats). Names both formats
/// of each such pair and says which pairs could be compared instead.
public struct IncomparableStreams: Error, CustomStringConvertible, Sendable {
    /// One pair that was refused.
    public struct Pair: Sendable, CustomStringConvertible {
        public var firstRecording: String
        public var first: StreamDescription
        public var secondRecording: String
        public var second: StreamDescription
        public var reason: String

        public var description: String {
            let (a, b) = first.layoutSummary == second.layoutSummary
                ? (first.layoutWithPlanes, second.layoutWithPlanes) : (first.layoutSummary, second.layoutSummary)
            let formats = first.name == second.name
                ? "stream '\(first.name)' is \(a) in \(firstRecording) and \(b) in \(secondRecording)"
                : "stream '\(first.name)' of \(firstRecording) is \(a) and stream '\(second.name)' of \(secondRecording) is \(b)"
            return formats + ": " + reason + "."
        }
    }

    public var pairs: [Pair]
    /// The pairs that could be compared, as `--stream` takes them ("meta", "main=video0").
    public var comparable: [String]

    public var description: String {
        let remedy = comparable.isEmpty
            ? "camrec diff compares one layout byte for byte, or two layouts of one size after converting both; "
                + "pick streams of one size and a convertible format with --stream A=B."
            : "To compare the other streams: " + comparable.map { "--stream \($0)" }.joined(separator: " ") + "."
        return (pairs.map(\.description) + [remedy]).joined(separator: "\n")
    }
}
