import CamrecStore
import Foundation
import V4L2Vocabulary

/// The recorder's compress stage: worker threads that encode each plane straight from the
/// source's buffer, hand the buffer back to the source (VIDIOC_QBUF) at once, and pass the frames
/// on to the order stage. What a buffer reserved beyond its real frame sizes goes back to the
/// budget here.
final class CompressStage: Sendable {
    private let group = DispatchGroup()

    /// Starts one thread per encoder; they run until `jobs` is closed and empty.
    init(encoders: [PlaneEncoder], jobs: BoundedQueue<CaptureJob>, order: Reorderer<OrderedItem>, budget: MemoryBudget) {
        for encoder in encoders {
            let box = UncheckedBox(encoder)
            group.enter()
            let thread = Thread { [group] in
                defer { group.leave() }
                while let job = jobs.pop() {
                    order.put(serial: job.serial, Self.encode(job, encoder: box.value, budget: budget))
                }
            }
            thread.name = "camrec-compress"
            thread.start()
        }
    }

    /// Waits until every worker has finished (after `jobs` was closed).
    func wait() { group.wait() }

    private static func encode(_ job: CaptureJob, encoder: PlaneEncoder, budget: MemoryBudget) -> OrderedItem {
        // Hands the buffer back to the source (QBUF) once its bytes are compressed, on every path.
        defer { job.captured.release() }
        var planes: [EncodedPlane] = []
        for (index, bytes) in job.captured.planeBytes.enumerated() {
            let metadata = index < job.captured.metadata.planes.count
                ? job.captured.metadata.planes[index] : PlaneMetadata(bytesUsed: UInt32(bytes.count), length: UInt32(bytes.count))
            do {
                planes.append(try encoder.encode(bytes, metadata: metadata, as: job.encoding))
            } catch {
                budget.release(job.reservedBytes, from: .compress)
                return .failed("\(error)")
            }
        }
        let frameBytes = planes.reduce(0) { $0 + $1.frame.count }
        let kept = frameBytes + PipelineCosts.indexRowBytes
        budget.release(job.reservedBytes - kept, from: .compress)
        budget.move(kept, from: .compress, to: .order)
        return .buffer(EncodedBuffer(bufferID: job.bufferID, requestID: job.requestID, requestJoin: job.join,
                                     streamID: job.captured.streamID, metadata: job.captured.metadata, planes: planes),
                       frameBytes: frameBytes)
    }
}
