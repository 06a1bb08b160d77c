import CamrecStore
import Synchronization

/// Running totals of a recording, kept by its stages and read by the status line and the drop
/// notes: what was offered, written and synced, and what was dropped.
final class RecorderCounters: Sendable {
    private struct State {
        var progress = Recorder.Progress()
        /// Raw bytes of every buffer the source delivered, kept or dropped.
        var offeredRawBytes: Int64 = 0
        /// Chunk bytes fdatasync'ed and indexed.
        var committedBytes: Int64 = 0
    }

    private let state = Mutex(State())
    private let startNanoseconds = MonotonicClock.nanoseconds()

    /// The capture stage received a buffer of `rawBytes`.
    func offered(rawBytes: Int) { state.withLock { $0.offeredRawBytes += Int64(rawBytes) } }

    /// The write stage wrote a buffer to its chunk.
    func written(_ buffer: EncodedBuffer) {
        state.withLock {
            $0.progress.buffers += 1
            for plane in buffer.planes {
                $0.progress.rawBytes += Int64(plane.storedSize)
                $0.progress.storedBytes += Int64(plane.frame.count)
            }
        }
    }

    /// The commit stage synced and indexed a chunk of `bytes`.
    func committed(bytes: Int64) { state.withLock { $0.committedBytes += bytes } }

    func recorderDrop(streamID: Int, reason: String) {
        state.withLock {
            $0.progress.recorderDrops += 1
            $0.progress.recorderDropsByStream[streamID, default: 0] += 1
            $0.progress.lastDropReason = reason
        }
    }

    /// The ring's state (a ring recording).
    func ring(_ status: RingStatus) { state.withLock { $0.progress.ring = status } }

    func driverDrops(_ count: Int64) { state.withLock { $0.progress.driverDrops += count } }

    /// The storage rate the recording needs (the source's raw rate at the compression ratio
    /// achieved so far) and the rate the disk achieved (bytes synced), in MB/s since the start.
    func storageRates() -> StorageRates {
        let seconds = max(0.001, Double(MonotonicClock.nanoseconds() - startNanoseconds) / 1e9)
        return state.withLock {
            let ratio = $0.progress.rawBytes > 0 ? Double($0.progress.storedBytes) / Double($0.progress.rawBytes) : 1
            return StorageRates(neededMegabytesPerSecond: Double($0.offeredRawBytes) * ratio / seconds / 1e6,
                                achievedMegabytesPerSecond: Double($0.committedBytes) / seconds / 1e6)
        }
    }

    func snapshot() -> Recorder.Progress { state.withLock { $0.progress } }
}

/// How fast a recording must reach the disk, and how fast it did.
struct StorageRates: Sendable {
    var neededMegabytesPerSecond: Double
    var achievedMegabytesPerSecond: Double
}
