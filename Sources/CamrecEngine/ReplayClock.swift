import CamrecStore

/// The time source of paced replay: when each request is due and the wait until then.
/// Replays use `MonotonicReplayClock`; tests give a clock of their own to check every deadline.
public protocol ReplayClock: Sendable {
    /// Now, in nanoseconds on this clock.
    func now() -> Int64
    /// Waits until `deadline` on this clock; true when `stop` ended the wait first.
    func sleep(until deadline: Int64, stop: StopRequest) -> Bool
}

/// CLOCK_MONOTONIC, with `sleepUntil`'s interruptible sleep and short final spin.
public struct MonotonicReplayClock: ReplayClock {
    public init() {}

    public func now() -> Int64 { MonotonicClock.nanoseconds() }

    public func sleep(until deadline: Int64, stop: StopRequest) -> Bool {
        sleepUntil(monotonicNanoseconds: deadline, stop: stop)
    }
}
