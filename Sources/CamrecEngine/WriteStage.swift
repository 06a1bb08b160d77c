import CamrecStore
import Foundation
import Synchronization

/// The recorder's write stage: one thread that takes encoded buffers from the order stage in
/// capture order and appends them to chunk files, writes the recorder's notes (the capture
/// stage's drops among them), and seals chunks by size and age for the commit stage. A frame's
/// bytes leave the budget once written; its index rows move on to the commit stage.
final class WriteStage: Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let failureMessage = Mutex<String?>(nil)

    /// The first write failure, once there is one (a full disk, a failed sync or commit).
    var failure: String? { failureMessage.withLock { $0 } }

    /// With `ring` (a ring recording), buffers go to the ring instead of straight to the writer, and
    /// drops and `triggers` fire its triggers.
    init(writer: RecordingWriter, order: Reorderer<OrderedItem>, drops: DropLedger, budget: MemoryBudget,
         counters: RecorderCounters, ring: RingKeeper? = nil, triggers: TriggerRequest = TriggerRequest()) {
        let box = UncheckedBox(writer)
        let ringBox = UncheckedBox(ring)
        let thread = Thread { [self] in
            defer { self.done.signal() }
            let writer = box.value
            let ring = ringBox.value
            var failed = false
            func fail(_ message: String) {
                failed = true
                self.failureMessage.withLock { if $0 == nil { $0 = message } }
            }
            func writeDrops() {
                for run in drops.take() where !failed {
                    for sequence in run.sequences {
                        do {
                            try writer.addNote(kind: .recorderDrop, streamID: run.streamID, sequence: sequence, message: run.reason)
                            try ring?.recorderDropped(streamID: run.streamID, sequence: sequence, reason: run.reason)
                        } catch {
                            fail("\(error)")
                            break
                        }
                    }
                }
            }
            loop: while true {
                let next = order.next(timeout: 0.1)
                writeDrops()
                if let ring, !failed {
                    do {
                        for pending in triggers.take() { try ring.external(pending) }
                    } catch {
                        fail("\(error)")
                    }
                }
                switch next {
                case .finished:
                    break loop
                case .timedOut:
                    if !failed {
                        do { try writer.rollIfDue() } catch { fail("\(error)") }
                    }
                case let .element(.buffer(buffer, frameBytes)):
                    defer { budget.release(frameBytes, from: .order) }
                    // Written or not, the frames leave the budget; the rows move on only when written.
                    guard !failed else {
                        budget.release(PipelineCosts.indexRowBytes, from: .order)
                        continue
                    }
                    do {
                        if let ring {
                            // A buffer in the ring holds its index-row bytes until it is saved or let go.
                            try ring.offer(buffer)
                            budget.move(PipelineCosts.indexRowBytes, from: .order, to: .commit)
                        } else {
                            try writer.append(buffer)
                            budget.move(PipelineCosts.indexRowBytes, from: .order, to: .commit)
                            counters.written(buffer)
                        }
                    } catch {
                        budget.release(PipelineCosts.indexRowBytes, from: .order)
                        fail("\(error)")
                    }
                case let .element(item):
                    guard !failed else { continue }
                    do {
                        switch item {
                        case let .note(kind, streamID, sequence, message):
                            try writer.addNote(kind: kind, streamID: streamID, sequence: sequence, message: message)
                        case let .stream(description):
                            try writer.addStream(description)
                        case let .device(facts):
                            try writer.addDevice(facts)
                        case let .controls(readings):
                            try writer.addControls(readings)
                        case let .mediaGraph(graph):
                            try writer.addMediaGraph(graph)
                        case let .failed(message):
                            try writer.addNote(kind: .error, message: message)
                            fail(message)
                        case .buffer:
                            break
                        }
                    } catch {
                        fail("\(error)")
                    }
                }
            }
            // Drops made while the last items were written.
            writeDrops()
            if let ring {
                do { try ring.finish() } catch { if !failed { fail("\(error)") } }
            }
        }
        thread.name = "camrec-writer"
        thread.start()
    }

    /// Waits until the order stage is finished and everything in it was written.
    func wait() { done.wait() }
}
