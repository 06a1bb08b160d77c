/// One message of the MCAP export's `/camrec/events` channel (camrec.Event, proto/camrec/Event.proto):
/// a driver drop (a sequence gap), a recorder drop or another recorder note.
struct MCAPEvent: Equatable {
    /// On the recording's clock (the buffers' timestamps), in nanoseconds: the log time.
    var timestamp: Int64
    /// "driver_drop", or a recorder note's kind ("recorder_drop", "error", "stop", "info").
    var kind: String
    /// The stream's name; nil for the whole recording.
    var stream: String?
    /// driver_drop: the first missing sequence; a note: the sequence it names, if any.
    var sequence: UInt32?
    /// driver_drop: how many sequence numbers are missing; recorder_drop: 1; other notes: 0.
    var missing: UInt32
    var message: String
    /// A note's CLOCK_REALTIME time; nil for a driver drop.
    var wallNanoseconds: Int64?
}
