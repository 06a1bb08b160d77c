import Synchronization

/// Triggers from outside the recorder for a ring recording: SIGUSR1 (`kill -USR1 PID`) and
/// `camrec trigger REC` (which sends SIGUSR1 with sigqueue(3) and a value that says so). The
/// CLI's signal handler calls `request`, which is async-signal-safe (atomic stores only); the
/// recorder's write stage takes the pending ones on its next turn (at least ten times a second).
public final class TriggerRequest: Sendable {
    /// One trigger from outside.
    public struct Pending: Sendable, Equatable {
        public var source: Source
        /// The process that sent the signal (0 when unknown).
        public var senderProcessID: Int32
    }

    /// What sent it.
    public enum Source: Sendable, Equatable {
        case signal
        case command
    }

    private let signals = Atomic<Int>(0)
    private let commands = Atomic<Int>(0)
    private let lastSender = Atomic<Int32>(0)

    public init() {}

    /// Records a trigger. Async-signal-safe.
    public func request(fromCommand: Bool, senderProcessID: Int32) {
        lastSender.store(senderProcessID, ordering: .relaxed)
        if fromCommand {
            commands.add(1, ordering: .releasing)
        } else {
            signals.add(1, ordering: .releasing)
        }
    }

    /// The triggers requested since the last call; several of one kind count as one (they land in
    /// the same moment of the ring).
    func take() -> [Pending] {
        let sender = lastSender.load(ordering: .relaxed)
        var pending: [Pending] = []
        if commands.exchange(0, ordering: .acquiring) > 0 { pending.append(Pending(source: .command, senderProcessID: sender)) }
        if signals.exchange(0, ordering: .acquiring) > 0 { pending.append(Pending(source: .signal, senderProcessID: sender)) }
        return pending
    }
}
