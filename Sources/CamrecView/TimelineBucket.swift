/// The figures of one time bucket of one stream's lane: what the zoomed-out timeline draws.
struct TimelineBucket: Sendable, Encodable {
    var start: Int64
    var buffers = 0
    var errors = 0
    var cancelled = 0
    /// Sequence numbers missing (driver drops) and the number of gaps they make.
    var driverDrops = 0
    var gaps = 0
    var recorderDrops = 0
    var minimumInterval: Int64?
    var maximumInterval: Int64?

    init(start: Int64) {
        self.start = start
    }

    enum CodingKeys: String, CodingKey {
        case start = "start_ns", buffers, errors, cancelled, driverDrops = "driver_drops", gaps
        case recorderDrops = "recorder_drops", minimumInterval = "min_interval_ns", maximumInterval = "max_interval_ns"
    }
}
