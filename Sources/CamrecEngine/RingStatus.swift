/// How a ring recording is doing, for the status line: how full the ring is, the events so far
/// and the last trigger.
public struct RingStatus: Sendable, Equatable {
    /// Of the ring's capacity (`--ring`), 0 to 1.
    public var fill: Double
    /// The time span of the buffers the ring holds, and their compressed bytes (on disk).
    public var heldSeconds: Double
    public var heldBytes: Int64
    public var events: Int
    /// Triggers ignored by `--max-events` or the cool-down.
    public var ignoredTriggers: Int
    /// What fired last ("error-buffer: main sequence 41: error buffer").
    public var lastTrigger: String?
    /// A window is open: buffers go straight into the recording.
    public var saving: Bool
}
