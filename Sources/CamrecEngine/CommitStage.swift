import CamrecStore
import Foundation
import Synchronization

/// The recorder's commit stage: a thread that syncs each chunk the writer sealed (fdatasync) and
/// then commits the index rows that point into it, in order (`RecordingCommitter`). It runs apart
/// from the writer, so a slow disk's sync or a commit never holds up chunk writing, compression
/// or the buffers going back to the driver; the writer waits only when `PipelineCosts.commitQueueChunks`
/// chunks already wait here, and that back-pressure fills the memory budget, which makes the
/// capture stage drop.
final class CommitStage: Sendable {
    private let queue = BoundedQueue<IndexWork>(capacity: PipelineCosts.commitQueueChunks)
    private let failure = Mutex<StoreError?>(nil)
    private let done = DispatchSemaphore(value: 0)
    private let budget: MemoryBudget

    init(committer: RecordingCommitter, budget: MemoryBudget, counters: RecorderCounters) {
        self.budget = budget
        let box = UncheckedBox(committer)
        let thread = Thread { [self] in
            defer { self.done.signal() }
            while let work = self.queue.pop() {
                do throws(StoreError) {
                    try box.value.perform(work)
                    if case let .chunk(sealed) = work { counters.committed(bytes: sealed.sizeBytes) }
                } catch {
                    // Later chunks are still tried (a full disk may take the index but not a sync);
                    // the first failure is the one reported.
                    self.failure.withLock { if $0 == nil { $0 = error } }
                }
                if case let .chunk(sealed) = work {
                    budget.release(sealed.bufferCount * PipelineCosts.indexRowBytes, from: .commit)
                }
            }
        }
        thread.name = "camrec-commit"
        thread.start()
    }

    /// Queues work for the commit thread, waiting while the queue is full; throws the stage's
    /// first failure instead once there is one, so the writer stops.
    func submit(_ work: IndexWork) throws(StoreError) {
        if let failed = failure.withLock({ $0 }) {
            if case let .chunk(sealed) = work { budget.release(sealed.bufferCount * PipelineCosts.indexRowBytes, from: .commit) }
            throw failed
        }
        _ = queue.push(work)
    }

    /// Waits until everything submitted is committed; throws the first failure.
    func drain() throws(StoreError) {
        queue.close()
        done.wait()
        if let failed = failure.withLock({ $0 }) { throw failed }
    }
}
