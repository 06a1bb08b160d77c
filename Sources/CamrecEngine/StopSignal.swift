import Synchronization

/// Set from a SIGINT/SIGTERM handler to stop a recording or a replay cleanly.
public enum StopSignal {
    public static let requested = Atomic<Bool>(false)
}
