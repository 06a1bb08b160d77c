import CV4L2
import V4L2Vocabulary
#if canImport(Glibc)
import Glibc
#endif

/// The one place where `struct timeval` and nanoseconds are converted.
extension BufferTimestamp {
    init(_ time: timeval, flags: BufferFlags) {
        self.init(nanoseconds: Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_usec) * 1_000, clock: Clock(flags: flags))
    }

    /// The timestamp as V4L2 carries it; V4L2 has microsecond resolution, so sub-microsecond
    /// nanoseconds are truncated (floored, also for negative values).
    var timeval: timeval {
        let microseconds = nanoseconds >= 0 ? nanoseconds / 1_000 : (nanoseconds - 999) / 1_000
        var seconds = microseconds / 1_000_000
        var remainder = microseconds % 1_000_000
        if remainder < 0 {
            seconds -= 1
            remainder += 1_000_000
        }
        return Glibc.timeval(tv_sec: Int(seconds), tv_usec: Int(remainder))
    }
}
