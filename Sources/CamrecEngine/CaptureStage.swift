import CamrecStore
import Foundation

/// The recorder's capture stage, on the thread that calls `Recorder.run`: dequeues buffers from
/// the source, groups them into requests, counts the driver's sequence gaps, and admits each
/// buffer into the pipeline by reserving its worst-case bytes in the memory budget and a place in
/// the compression queue. This is the only place that drops: a live source's buffer that does not
/// fit goes straight back to the driver, is counted for its stream and noted with why (which
/// stage was full, and for a slow disk the storage rate needed and achieved). A source that is not
/// live (an M2M device's capture side, which waits for us) is never dropped: admission waits.
/// It never waits on the writer or the commit stage, so buffers keep going back to the driver.
final class CaptureStage {
    let source: any FrameSource
    let options: Recorder.Options
    let jobs: BoundedQueue<CaptureJob>
    let order: Reorderer<OrderedItem>
    let budget: MemoryBudget
    let drops: DropLedger
    let counters: RecorderCounters
    let write: WriteStage
    /// The last budget-full reason and when it was worked out: drops within half a second share
    /// it, so their notes wait for the writer as one run.
    private var budgetReason: String?
    private var budgetReasonAt: Int64 = 0

    init(source: any FrameSource, options: Recorder.Options, jobs: BoundedQueue<CaptureJob>, order: Reorderer<OrderedItem>,
         budget: MemoryBudget, drops: DropLedger, counters: RecorderCounters, write: WriteStage) {
        self.source = source
        self.options = options
        self.jobs = jobs
        self.order = order
        self.budget = budget
        self.drops = drops
        self.counters = counters
        self.write = write
    }

    /// How the capture loop ended.
    struct Outcome {
        /// Serials handed to the order stage: 0..<serialCount.
        var serialCount: Int64
        var stopReason: String
    }

    func run(progress: ((Recorder.Progress) -> Void)?) -> Outcome {
        let streams = source.streams
        var grouper = RequestGrouper(toleranceNanoseconds: options.requestToleranceNanoseconds)
        var serial: Int64 = 0
        var bufferID: Int64 = 0
        var perStream: [Int: Int] = [:]
        var lastSequence: [Int: UInt32] = [:]
        var encodings = Dictionary(uniqueKeysWithValues: streams.map { ($0.id, PlaneEncoding(for: $0.format.pixelFormat)) })
        let started = MonotonicClock.nanoseconds()
        var lastProgress = started
        var stopReason = "stopped"
        var sourceError: Error?
        func put(_ item: OrderedItem) {
            order.put(serial: serial, item)
            serial += 1
        }
        for note in options.startNotes { put(.note(kind: .info, streamID: nil, sequence: nil, message: note)) }
        for facts in source.deviceFacts { put(.device(facts)) }
        for graph in source.mediaGraphs { put(.mediaGraph(graph)) }
        let startControls = source.startControls
        if !startControls.isEmpty { put(.controls(startControls)) }
        do {
            try source.start()
        } catch {
            sourceError = error
        }
        while sourceError == nil {
            if options.stop.isRequested {
                stopReason = "stopped by signal"
                break
            }
            if let failure = write.failure {
                stopReason = "stopped by a write error: \(failure)"
                break
            }
            let now = MonotonicClock.nanoseconds()
            if let seconds = options.durationSeconds, Double(now - started) / 1e9 >= seconds {
                stopReason = "duration of \(seconds) s reached"
                break
            }
            if let limit = options.frameLimit, streams.allSatisfy({ (perStream[$0.id] ?? 0) >= limit }) {
                stopReason = "frame limit of \(limit) per stream reached"
                break
            }
            if let progress, now - lastProgress >= 500_000_000 {
                lastProgress = now
                var snapshot = counters.snapshot()
                let usage = budget.usage
                snapshot.memoryHeldBytes = Int64(usage.total)
                snapshot.memoryLimitBytes = Int64(usage.limit)
                progress(snapshot)
            }
            let buffers: [CapturedBuffer]?
            do {
                buffers = try source.nextBuffers(timeoutMilliseconds: 100)
            } catch {
                sourceError = error
                break
            }
            let changes = source.takeControlChanges()
            if !changes.isEmpty { put(.controls(changes)) }
            guard let buffers else {
                stopReason = source.endReason ?? "the source ended"
                if !source.endedNormally { put(.note(kind: .error, streamID: nil, sequence: nil, message: stopReason)) }
                break
            }
            for captured in buffers {
                let stream = captured.streamID
                if encodings[stream] == nil, let added = source.streams.first(where: { $0.id == stream }) {
                    // A stream the source announced mid-recording (a decoder's resolution change).
                    encodings[stream] = PlaneEncoding(for: added.format.pixelFormat)
                    put(.stream(added))
                }
                if let limit = options.frameLimit, (perStream[stream] ?? 0) >= limit {
                    captured.release()  // Past the limit for this stream: hands the buffer straight back.
                    continue
                }
                perStream[stream, default: 0] += 1
                let sequence = captured.metadata.sequence
                if let previous = lastSequence[stream] {
                    counters.driverDrops(Int64(DriverDrops.missing(after: previous, before: sequence)))
                }
                lastSequence[stream] = sequence
                let assignment = grouper.assign(streamID: stream, metadata: captured.metadata)
                bufferID += 1
                let rawBytes = captured.planeBytes.reduce(0) { $0 + $1.count }
                counters.offered(rawBytes: rawBytes)
                let reserved = captured.planeBytes.reduce(PipelineCosts.indexRowBytes) {
                    $0 + PlaneEncoder.frameBound(byteCount: $1.count)
                }
                let job = CaptureJob(serial: serial, bufferID: bufferID, requestID: assignment.requestID, join: assignment.join,
                                     captured: captured, encoding: encodings[stream] ?? .zstd, reservedBytes: reserved)
                if let reason = admit(job) {
                    captured.release()  // The recorder cannot keep up: give the buffer back and say so.
                    counters.recorderDrop(streamID: stream, reason: reason)
                    drops.add(streamID: stream, sequence: sequence, reason: reason)
                    continue
                }
                serial += 1
            }
        }
        if let sourceError {
            stopReason = "stopped by a device error: \(sourceError)"
            put(.note(kind: .error, streamID: nil, sequence: nil, message: "\(sourceError)"))
        }
        return Outcome(serialCount: serial, stopReason: stopReason)
    }

    /// Reserves the job's bytes and queues it for compression; nil when it is in the pipeline,
    /// else why it was dropped. A source that is not live waits instead.
    private func admit(_ job: CaptureJob) -> String? {
        if !source.isLive {
            guard budget.reserve(job.reservedBytes) else { return "the recording is closing; buffer not recorded" }
            guard jobs.push(job) else {
                budget.release(job.reservedBytes, from: .compress)
                return "the recording is closing; buffer not recorded"
            }
            return nil
        }
        guard budget.tryReserve(job.reservedBytes) else { return budgetFullReason() }
        guard jobs.tryPush(job) else {
            budget.release(job.reservedBytes, from: .compress)
            return "compression queue full (\(jobs.capacity) buffers waiting for \(options.workers) workers): "
                + "compression too slow; buffer dropped by the recorder"
        }
        return nil
    }

    /// Why the budget had no room: which stage holds its bytes, and for the stages after
    /// compression, how fast the storage would need to be and how fast it is.
    private func budgetFullReason() -> String {
        let now = MonotonicClock.nanoseconds()
        if let budgetReason, now - budgetReasonAt < 500_000_000 { return budgetReason }
        let usage = budget.usage
        func mebibytes(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1_048_576) }
        let held = MemoryBudget.Stage.allCases.map { "\($0.name) \(mebibytes(usage.held(by: $0)))" }.joined(separator: ", ")
        var reason = "memory budget full (\(mebibytes(usage.total)) of \(mebibytes(usage.limit)) MiB held: \(held))"
        let downstream = usage.held(by: .order) + usage.held(by: .commit)
        if downstream >= usage.held(by: .compress) {
            let rates = counters.storageRates()
            reason += String(format: "; storage too slow: %.2f MB/s needed, %.2f MB/s achieved",
                             rates.neededMegabytesPerSecond, rates.achievedMegabytesPerSecond)
        } else {
            reason += "; compression too slow"
        }
        reason += "; buffer dropped by the recorder"
        budgetReason = reason
        budgetReasonAt = now
        return reason
    }
}
