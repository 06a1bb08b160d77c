/// The buffers a lane marks whatever the zoom: driver drops (the buffer after each sequence gap,
/// with how many are missing, as `frames --after-gap`), error and cancelled buffers (`frames
/// --status error`) and the recorder's own drops (drawn at the next buffer recorded).
struct StreamMarkers: Sendable, Encodable {
    struct Marker: Sendable, Encodable {
        var sequence: UInt32
        var timestamp: Int64
        var missing: Int?

        enum CodingKeys: String, CodingKey {
            case sequence, timestamp = "timestamp_ns", missing = "missing_before"
        }
    }

    var stream: String
    var streamID: Int
    var driverDrops: [Marker] = []
    var errors: [Marker] = []
    var cancelled: [Marker] = []
    var recorderDrops: [Marker] = []
    /// True when some list stopped at the limit.
    var truncated = false

    enum CodingKeys: String, CodingKey {
        case stream, streamID = "stream_id", driverDrops = "driver_drops", errors, cancelled
        case recorderDrops = "recorder_drops", truncated
    }
}
