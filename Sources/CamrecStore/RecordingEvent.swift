/// A trigger that saved a window of a ring recording (`camrec record --ring`): what fired, when,
/// on which stream and sequence, and the window of buffers it keeps (the ring before it and the
/// post-trigger time after it, on the buffers' clock). One row of the index's `events` table
/// (index version 5), and a metadata record in the chunk written when it fired, so `recover`
/// rebuilds it.
public struct RecordingEvent: Sendable, Codable, Equatable {
    /// What fired a trigger.
    public enum Trigger: String, Sendable, Codable, CaseIterable {
        /// SIGUSR1 sent to the recorder (`kill -USR1 PID`).
        case signal
        /// `camrec trigger REC` from another shell.
        case command
        /// A buffer the driver flagged V4L2_BUF_FLAG_ERROR.
        case errorBuffer = "error-buffer"
        /// A sequence gap of at least the rule's size: the driver dropped frames.
        case sequenceGap = "sequence-gap"
        /// The recorder itself dropped a buffer (its memory budget or queue was full).
        case recorderDrop = "recorder-drop"
        /// A frame interval above the rule's limit.
        case interval
    }

    /// 1-based, in the order the triggers fired.
    public var id: Int64
    public var trigger: Trigger
    /// What was seen, in words.
    public var detail: String
    /// CLOCK_REALTIME when it fired.
    public var wallNanoseconds: Int64
    /// The trigger's time on the buffers' clock: the buffer that fired it, or the newest buffer
    /// the ring held when a signal or command fired it.
    public var timestampNanoseconds: Int64
    public var streamID: Int?
    public var sequence: UInt32?
    /// The first and last buffer timestamps the window keeps, inclusive. The start is the ring's
    /// length before the trigger, or the previous window's last buffer when the ring let nothing go
    /// in between (the windows are then one continuous span).
    public var windowStartNanoseconds: Int64
    public var windowEndNanoseconds: Int64

    public init(id: Int64, trigger: Trigger, detail: String, wallNanoseconds: Int64, timestampNanoseconds: Int64,
                streamID: Int?, sequence: UInt32?, windowStartNanoseconds: Int64, windowEndNanoseconds: Int64) {
        self.id = id
        self.trigger = trigger
        self.detail = detail
        self.wallNanoseconds = wallNanoseconds
        self.timestampNanoseconds = timestampNanoseconds
        self.streamID = streamID
        self.sequence = sequence
        self.windowStartNanoseconds = windowStartNanoseconds
        self.windowEndNanoseconds = windowEndNanoseconds
    }
}
