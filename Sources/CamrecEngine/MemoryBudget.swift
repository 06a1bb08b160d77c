import Foundation

/// The recorder's memory budget, in bytes: every buffer's bytes are reserved at the capture
/// stage before it enters the pipeline and given back stage by stage (compressed: the unused
/// worst case; written: its frames; committed: its index rows). A live source whose buffer does
/// not fit is dropped at capture; a source that can wait waits here. `Usage` says which stage
/// holds the bytes, for the drop note.
final class MemoryBudget: @unchecked Sendable {
    // All state is guarded by `condition`.

    /// Where reserved bytes are.
    enum Stage: Int, CaseIterable, Sendable {
        /// Reserved for buffers being compressed (their worst-case frame size).
        case compress
        /// Compressed frames waiting, in capture order, for the writer (and being written).
        case order
        /// Index rows of written buffers, waiting for their chunk's fdatasync and commit.
        case commit

        var name: String {
            switch self {
            case .compress: "compress"
            case .order: "order/write"
            case .commit: "commit"
            }
        }
    }

    /// How much each stage holds.
    struct Usage: Sendable {
        var limit: Int
        var held: [Int]

        var total: Int { held.reduce(0, +) }
        func held(by stage: Stage) -> Int { held[stage.rawValue] }
    }

    let limit: Int
    private let condition = NSCondition()
    private var held = [Int](repeating: 0, count: Stage.allCases.count)
    private var total = 0
    private var peak = 0
    private var closed = false

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Whether `bytes` fit now. A reservation larger than the whole budget fits only when
    /// nothing else is held, so one oversized buffer can still pass through alone.
    private func fits(_ bytes: Int) -> Bool {
        total + bytes <= limit || total == 0
    }

    /// Reserves `bytes` for the compress stage if they fit now.
    func tryReserve(_ bytes: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed, fits(bytes) else { return false }
        add(bytes, to: .compress)
        return true
    }

    /// Reserves `bytes` for the compress stage, waiting until they fit; false once closed.
    func reserve(_ bytes: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !closed && !fits(bytes) { condition.wait() }
        guard !closed else { return false }
        add(bytes, to: .compress)
        return true
    }

    /// Moves `bytes` held by one stage to the next.
    func move(_ bytes: Int, from source: Stage, to destination: Stage) {
        condition.lock()
        held[source.rawValue] -= bytes
        held[destination.rawValue] += bytes
        condition.unlock()
    }

    /// Gives back `bytes` that `stage` held.
    func release(_ bytes: Int, from stage: Stage) {
        guard bytes != 0 else { return }
        condition.lock()
        held[stage.rawValue] -= bytes
        total -= bytes
        condition.broadcast()
        condition.unlock()
    }

    /// Wakes and refuses every waiting and later reservation (the recording is ending).
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    var usage: Usage {
        condition.lock()
        defer { condition.unlock() }
        return Usage(limit: limit, held: held)
    }

    /// The most that was ever held at once.
    var peakBytes: Int {
        condition.lock()
        defer { condition.unlock() }
        return peak
    }

    private func add(_ bytes: Int, to stage: Stage) {
        held[stage.rawValue] += bytes
        total += bytes
        peak = max(peak, total)
    }
}
