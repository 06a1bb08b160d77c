#if canImport(Glibc)
import Glibc
#endif
import CamrecStore
import Synchronization

/// A request to stop one run (a recording or a replay) cleanly, given to the recorder, the
/// replayer and the V4L2 sinks and sources of that run. The CLI's SIGINT/SIGTERM handlers call
/// `request()`; two runs in one process each have their own.
///
/// Waits that must end at once on a stop (the replayer's pacing) sleep with `sleep(until:)`: it
/// polls a pipe that `request()` writes to, so a stop wakes the sleeper whichever thread the
/// signal was delivered to.
public final class StopRequest: Sendable {
    private let requested = Atomic<Bool>(false)
    /// A pipe whose read end becomes readable once a stop was requested; -1 when the kernel gave
    /// none (the sleeper then naps in short steps and checks the flag).
    private let wakeReadDescriptor: Int32
    private let wakeWriteDescriptor: Int32

    public init() {
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            for end in ends {
                _ = fcntl(end, F_SETFD, FD_CLOEXEC)
                _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            }
        } else {
            ends = [-1, -1]
        }
        wakeReadDescriptor = ends[0]
        wakeWriteDescriptor = ends[1]
    }

    deinit {
        if wakeReadDescriptor >= 0 { _ = close(wakeReadDescriptor) }
        if wakeWriteDescriptor >= 0 { _ = close(wakeWriteDescriptor) }
    }

    /// Asks the run to stop. Async-signal-safe (an atomic store and a write(2) that cannot block),
    /// so a signal handler may call it.
    public func request() {
        requested.store(true, ordering: .releasing)
        if wakeWriteDescriptor >= 0 {
            var one: UInt8 = 1
            _ = write(wakeWriteDescriptor, &one, 1)
        }
    }

    /// Whether a stop was requested.
    public var isRequested: Bool { requested.load(ordering: .acquiring) }

    /// Sleeps until `deadline` (CLOCK_MONOTONIC nanoseconds) or until a stop is requested,
    /// whichever comes first; returns true when a stop ended the wait.
    @discardableResult
    public func sleep(untilMonotonicNanoseconds deadline: Int64) -> Bool {
        while !isRequested {
            let remaining = deadline - MonotonicClock.nanoseconds()
            if remaining <= 0 { return false }
            if wakeReadDescriptor >= 0 && remaining >= 1_000_000 {
                var wake = pollfd(fd: wakeReadDescriptor, events: Int16(POLLIN), revents: 0)
                // Whole milliseconds (poll's unit), rounded down so the wait never overshoots;
                // EINTR (a signal arrived) and time-outs both go round the loop: the flag and the
                // clock decide.
                _ = poll(&wake, 1, Int32(clamping: remaining / 1_000_000))
            } else {
                // The last fraction of a millisecond, or no pipe: short naps.
                var nap = timespec(tv_sec: 0, tv_nsec: Int(min(remaining, 10_000_000)))
                _ = nanosleep(&nap, nil)
            }
        }
        return true
    }
}
