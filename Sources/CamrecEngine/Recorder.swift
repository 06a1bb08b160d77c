import CamrecStore
import Foundation
import V4L2Vocabulary

/// Records a `FrameSource` into a recording folder, as five stages with a bounded hand-off
/// between each:
///
///     capture -> compress -> order -> write -> commit
///
/// - `CaptureStage` (the caller's thread): dequeues, groups buffers into requests, and admits
///   each into the pipeline by reserving its bytes in the `MemoryBudget`; the only place that drops.
/// - `CompressStage` (`workers` threads, fed by a `BoundedQueue`): encodes each plane straight from
///   the source's buffer and hands the buffer back to the source (VIDIOC_QBUF) at once.
/// - the order stage (`Reorderer`): puts encoded buffers back in capture order.
/// - `WriteStage` (one thread): appends them to chunk files, writes notes, seals full chunks.
/// - `CommitStage` (one thread, a queue of `PipelineCosts.commitQueueChunks` chunks): fdatasync
///   each sealed chunk, then commit the index rows that point into it.
///
/// Memory is bounded in bytes end to end: `Options.maxMemoryBytes` caps the process, and what is
/// left of it after the recorder's fixed part is the budget every buffer's bytes are reserved in
/// before they enter the pipeline. When the disk falls behind, the budget fills and the capture
/// stage drops (a live source; one that is not live waits), counts the drop for its stream and
/// notes why, so the driver keeps its buffers moving.
public final class Recorder {
    /// How to record.
    public struct Options: Sendable {
        public var outputPath: String
        public var replaceExisting = false
        public var compressionLevel: Int32 = 3
        public var workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        /// Buffers that may wait for a worker before the recorder drops one.
        public var queueCapacity = 8
        /// The most memory the recording process may use (`--max-memory`), in bytes: the pipeline's
        /// budget is what is left after the process's resident size at the start (runtime, the
        /// source's buffers, warmed-up compressors) and `fixedAllowanceBytes`. nil: no ceiling on the
        /// process; the pipeline still holds at most `defaultPipelineBudgetBytes`.
        public var maxMemoryBytes: Int?
        /// Stop after this many buffers of every stream.
        public var frameLimit: Int?
        /// Stop after this long.
        public var durationSeconds: Double?
        public var chunkSizeLimit: Int64 = 64 << 20
        public var chunkDurationNanoseconds: Int64 = 1_000_000_000
        /// Buffers of different streams whose sequences differ join one request when their
        /// timestamps are this close.
        public var requestToleranceNanoseconds: Int64 = 2_000_000
        public var commandLine: String = CommandLine.arguments.joined(separator: " ")
        /// Set by `camrec replay --capture-to`.
        public var sourceRecording: String?
        public var sourceDevice: String?
        /// Written as information notes when recording starts (controls a replay set on the
        /// device, the capture format it chose and why).
        public var startNotes: [String] = []
        /// Ends the recording cleanly when requested (the CLI's SIGINT/SIGTERM handlers make it).
        public var stop = StopRequest()
        /// Ring mode (`--ring`): keep only the newest window and save it around triggers. nil: record everything.
        public var ring: RingOptions?
        /// Delete the oldest chunks beyond a size or duration (`--max-size`, `--max-duration`).
        public var retention: RetentionPolicy?
        /// Triggers from outside for ring mode (the CLI's SIGUSR1 handler makes them).
        public var triggers = TriggerRequest()

        /// The pipeline's budget when no `maxMemoryBytes` is given.
        public static let defaultPipelineBudgetBytes = 256 << 20
        /// Kept out of the budget for what grows after the start: SQLite's page cache, the open
        /// chunk's pending rows, allocator slack, thread stacks.
        public static let fixedAllowanceBytes = 8 << 20

        public init(outputPath: String) {
            self.outputPath = outputPath
        }
    }

    /// What a finished recording run did.
    public struct Summary: Sendable {
        public var path: String
        public var buffers: Int64
        public var rawBytes: Int64
        public var storedBytes: Int64
        public var recorderDrops: Int64
        public var seconds: Double
        public var stopReason: String
        /// The pipeline's memory budget, and the most of it held at once.
        public var memoryBudgetBytes: Int64
        public var memoryPeakBytes: Int64
        /// The process's peak resident size (VmHWM) when the recording closed; nil without /proc.
        public var peakResidentBytes: Int64?
    }

    /// Progress figures, read by the status line while recording.
    public struct Progress: Sendable {
        public var buffers: Int64 = 0
        public var rawBytes: Int64 = 0
        public var storedBytes: Int64 = 0
        public var recorderDrops: Int64 = 0
        public var driverDrops: Int64 = 0
        /// Recorder drops per stream (`StreamDescription.id`).
        public var recorderDropsByStream: [Int: Int64] = [:]
        /// Why the last recorder drop happened.
        public var lastDropReason: String?
        /// Bytes the pipeline holds now, and its budget.
        public var memoryHeldBytes: Int64 = 0
        public var memoryLimitBytes: Int64 = 0
        /// A ring recording's ring and events; nil for a plain recording.
        public var ring: RingStatus?
    }

    private let source: any FrameSource
    private let options: Options

    public init(source: any FrameSource, options: Options) {
        self.source = source
        self.options = options
    }

    /// Records until the frame or time limit, the end of the source, a stop request or an error.
    /// `progress` is called about twice a second from the capture thread.
    public func run(progress: ((Progress) -> Void)? = nil) throws -> Summary {
        let streams = source.streams
        let info = RecordingInfo(
            camrecVersion: FormatVersion.camrec, host: ProcessInfo.processInfo.hostName,
            commandLine: options.commandLine, startWallNanoseconds: MonotonicClock.wallNanoseconds(),
            startMonotonicNanoseconds: MonotonicClock.nanoseconds(), source: source.sourceDescription,
            sourceRecording: options.sourceRecording, sourceDevice: options.sourceDevice,
            requestToleranceNanoseconds: options.requestToleranceNanoseconds)
        let encoders = try warmEncoders(for: streams)
        let budget = MemoryBudget(limit: try pipelineBudget(for: streams))
        let writer = try RecordingWriter(
            path: options.outputPath, info: info, streams: streams,
            options: RecordingWriter.Options(chunkSizeLimit: options.chunkSizeLimit,
                                             chunkDurationNanoseconds: options.chunkDurationNanoseconds,
                                             replaceExisting: options.replaceExisting, retention: options.retention))
        let counters = RecorderCounters()
        let drops = DropLedger()
        let jobs = BoundedQueue<CaptureJob>(capacity: options.queueCapacity)
        let order = Reorderer<OrderedItem>()
        let commit = CommitStage(committer: writer.committer, budget: budget, counters: counters)
        writer.commit(through: { (work: IndexWork) throws(StoreError) in try commit.submit(work) },
                      drain: { () throws(StoreError) in try commit.drain() })
        let compress = CompressStage(encoders: encoders, jobs: jobs, order: order, budget: budget)
        var ringKeeper: RingKeeper?
        if let ring = options.ring {
            let spool = try RingSpool(recordingFolder: writer.createdFolder)
            ringKeeper = RingKeeper(options: ring, writer: writer, spool: spool, budget: budget, counters: counters)
        }
        let write = WriteStage(writer: writer, order: order, drops: drops, budget: budget, counters: counters,
                               ring: ringKeeper, triggers: options.triggers)

        let started = MonotonicClock.nanoseconds()
        let capture = CaptureStage(source: source, options: options, jobs: jobs, order: order, budget: budget,
                                   drops: drops, counters: counters, write: write)
        let outcome = capture.run(progress: progress)

        jobs.close()
        compress.wait()
        // Stream off only after the workers are done with every buffer they held.
        source.stop()
        order.finish(count: outcome.serialCount)
        write.wait()
        budget.close()
        var stopReason = outcome.stopReason
        let failure = write.failure
        if let failure, !stopReason.hasPrefix("stopped by a write error") {
            stopReason = "stopped by a write error: \(failure)"
        }
        var closeFailure: String?
        do {
            try writer.close(stopReason: stopReason)
        } catch {
            closeFailure = "\(error)"
        }
        // Closing after a write error (a full disk) may fail too; the first error is the one to report.
        if let failure = failure ?? closeFailure { throw RecorderError.writeFailed(path: options.outputPath, reason: failure) }
        let snapshot = counters.snapshot()
        return Summary(path: options.outputPath, buffers: snapshot.buffers, rawBytes: snapshot.rawBytes,
                       storedBytes: snapshot.storedBytes, recorderDrops: snapshot.recorderDrops,
                       seconds: Double(MonotonicClock.nanoseconds() - started) / 1e9, stopReason: stopReason,
                       memoryBudgetBytes: Int64(budget.limit), memoryPeakBytes: Int64(budget.peakBytes),
                       peakResidentBytes: ProcessMemory.peakResidentBytes.map(Int64.init))
    }

    /// One encoder per worker, each having compressed one plane of the largest size once, so the
    /// memory zstd keeps per worker is resident (and measured) before the budget is worked out.
    private func warmEncoders(for streams: [StreamDescription]) throws -> [PlaneEncoder] {
        let largestPlane = streams.flatMap { $0.format.planes.map { Int($0.sizeImage) } }.max() ?? 0
        let zeros = [UInt8](repeating: 0, count: min(largestPlane, 64 << 20))
        return try (0..<max(1, options.workers)).map { _ in
            let encoder = try PlaneEncoder(level: options.compressionLevel)
            _ = try zeros.withUnsafeBytes {
                try encoder.encode($0, metadata: PlaneMetadata(bytesUsed: UInt32($0.count), length: UInt32($0.count)), as: .zstd)
            }
            return encoder
        }
    }

    /// The pipeline's budget: `maxMemoryBytes` less what the process holds now and the fixed
    /// allowance; refused when that leaves no room for one buffer of each stream.
    private func pipelineBudget(for streams: [StreamDescription]) throws(RecorderError) -> Int {
        guard let ceiling = options.maxMemoryBytes else { return Options.defaultPipelineBudgetBytes }
        let resident = ProcessMemory.residentBytes ?? 0
        let budget = ceiling - resident - Options.fixedAllowanceBytes
        let request = streams.reduce(0) { total, stream in
            total + stream.format.planes.reduce(PipelineCosts.indexRowBytes) {
                $0 + PlaneEncoder.frameBound(byteCount: Int($1.sizeImage))
            }
        }
        let needed = max(request * 2, 1 << 20)
        guard budget >= needed else {
            throw .memoryCeilingTooLow(ceiling: ceiling, resident: resident, allowance: Options.fixedAllowanceBytes,
                                       needed: needed)
        }
        return budget
    }
}

/// Moves a value that is not Sendable to the one thread that will own it from then on.
final class UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
