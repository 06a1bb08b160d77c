import CamrecStore
import Foundation
import Synchronization

/// Records a `FrameSource` into a recording folder. Data flow:
/// source (capture thread: dequeue, group into requests) -> bounded queue -> compression workers
/// (encode each plane, then hand the buffer back to the source) -> reorderer -> one writer
/// thread (chunks in capture order, index committed after each chunk is synced).
/// When the queue is full the recorder drops the buffer at once (the driver keeps streaming) and
/// records that drop as its own, apart from the driver's sequence gaps.
public final class Recorder {
    /// How to record.
    public struct Options: Sendable {
        public var outputPath: String
        public var replaceExisting = false
        public var compressionLevel: Int32 = 3
        public var workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        /// Buffers that may wait for a worker before the recorder drops one.
        public var queueCapacity = 8
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
    }

    /// Progress figures, read by the status line while recording.
    public struct Progress: Sendable {
        public var buffers: Int64
        public var rawBytes: Int64
        public var storedBytes: Int64
        public var recorderDrops: Int64
        public var driverDrops: Int64
    }

    private let source: any FrameSource
    private let options: Options

    public init(source: any FrameSource, options: Options) {
        self.source = source
        self.options = options
    }

    /// One captured buffer on its way to a worker.
    private struct Job: Sendable {
        var serial: Int64
        var bufferID: Int64
        var requestID: Int64
        var join: RequestJoin
        var captured: CapturedBuffer
        var encoding: PlaneEncoding
    }

    /// What the writer receives, in capture order.
    private enum Item: Sendable {
        case buffer(EncodedBuffer)
        case note(kind: RecorderNote.Kind, streamID: Int?, sequence: UInt32?, message: String)
        /// A stream the source announced after the start.
        case stream(StreamDescription)
        case failed(String)
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
        let writer = try RecordingWriter(
            path: options.outputPath, info: info, streams: streams,
            options: RecordingWriter.Options(chunkSizeLimit: options.chunkSizeLimit,
                                             chunkDurationNanoseconds: options.chunkDurationNanoseconds,
                                             replaceExisting: options.replaceExisting))
        let queue = BoundedQueue<Job>(capacity: options.queueCapacity)
        let reorderer = Reorderer<Item>()
        let counters = Counters()
        let level = options.compressionLevel

        // Compression workers.
        let workerGroup = DispatchGroup()
        for _ in 0..<max(1, options.workers) {
            workerGroup.enter()
            let thread = Thread {
                defer { workerGroup.leave() }
                let encoder: PlaneEncoder
                do {
                    encoder = try PlaneEncoder(level: level)
                } catch {
                    while let job = queue.pop() {
                        job.captured.release()
                        reorderer.put(serial: job.serial, .failed("\(error)"))
                    }
                    return
                }
                while let job = queue.pop() {
                    reorderer.put(serial: job.serial, Self.encode(job, encoder: encoder))
                }
            }
            thread.name = "camrec-compress"
            thread.start()
        }

        // The writer: chunks in capture order, index after each synced chunk.
        let writerDone = DispatchSemaphore(value: 0)
        let writerBox = UncheckedBox(writer)
        let writerFailure = Mutex<String?>(nil)
        let writerThread = Thread {
            defer { writerDone.signal() }
            let writer = writerBox.value
            var failed = false
            loop: while true {
                switch reorderer.next(timeout: 0.1) {
                case .finished:
                    break loop
                case .timedOut:
                    if !failed {
                        do { try writer.rollIfDue() } catch {
                            failed = true
                            writerFailure.withLock { $0 = "\(error)" }
                        }
                    }
                case let .element(item):
                    guard !failed else { continue }
                    do {
                        switch item {
                        case let .buffer(buffer):
                            try writer.append(buffer)
                            counters.written(buffer)
                        case let .note(kind, streamID, sequence, message):
                            try writer.addNote(kind: kind, streamID: streamID, sequence: sequence, message: message)
                        case let .stream(description):
                            try writer.addStream(description)
                        case let .failed(message):
                            try writer.addNote(kind: .error, message: message)
                            failed = true
                            writerFailure.withLock { $0 = message }
                        }
                    } catch {
                        failed = true
                        writerFailure.withLock { $0 = "\(error)" }
                    }
                }
            }
        }
        writerThread.name = "camrec-writer"
        writerThread.start()

        // Capture on this thread.
        var grouper = RequestGrouper(toleranceNanoseconds: options.requestToleranceNanoseconds)
        var serial: Int64 = 0
        var bufferID: Int64 = 0
        var perStream: [Int: Int] = [:]
        var lastSequence: [Int: UInt32] = [:]
        var encodings = Dictionary(uniqueKeysWithValues: streams.map { ($0.id, PlaneEncoding(for: $0.format.fourcc)) })
        let started = MonotonicClock.nanoseconds()
        var lastProgress = started
        var stopReason = "stopped"
        var sourceError: Error?
        for note in options.startNotes {
            reorderer.put(serial: serial, .note(kind: .info, streamID: nil, sequence: nil, message: note))
            serial += 1
        }
        do {
            try source.start()
        } catch {
            sourceError = error
        }
        capture: while sourceError == nil {
            if options.stop.isRequested {
                stopReason = "stopped by signal"
                break
            }
            if let failure = writerFailure.withLock({ $0 }) {
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
                progress(counters.snapshot())
            }
            let buffers: [CapturedBuffer]?
            do {
                buffers = try source.nextBuffers(timeoutMilliseconds: 100)
            } catch {
                sourceError = error
                break
            }
            guard let buffers else {
                stopReason = source.endReason ?? "the source ended"
                if !source.endedNormally {
                    reorderer.put(serial: serial, .note(kind: .error, streamID: nil, sequence: nil, message: stopReason))
                    serial += 1
                }
                break
            }
            for captured in buffers {
                let stream = captured.streamID
                if encodings[stream] == nil, let added = source.streams.first(where: { $0.id == stream }) {
                    // A stream the source announced mid-recording (a decoder's resolution change).
                    encodings[stream] = PlaneEncoding(for: added.format.fourcc)
                    reorderer.put(serial: serial, .stream(added))
                    serial += 1
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
                let job = Job(serial: serial, bufferID: bufferID, requestID: assignment.requestID, join: assignment.join,
                              captured: captured, encoding: encodings[stream] ?? .zstd)
                let queued = source.isLive ? queue.tryPush(job) : queue.push(job)
                if !queued {
                    captured.release()  // The recorder cannot keep up: give the buffer back and say so.
                    counters.recorderDrop()
                    reorderer.put(serial: serial, .note(
                        kind: .recorderDrop, streamID: stream, sequence: sequence,
                        message: "compression queue full (\(options.queueCapacity) buffers); buffer dropped by the recorder"))
                }
                serial += 1
            }
        }
        if let sourceError {
            stopReason = "stopped by a device error: \(sourceError)"
            reorderer.put(serial: serial, .note(kind: .error, streamID: nil, sequence: nil, message: "\(sourceError)"))
            serial += 1
        }
        queue.close()
        workerGroup.wait()
        // Stream off only after the workers are done with every buffer they held.
        source.stop()
        reorderer.finish(count: serial)
        writerDone.wait()
        let failure = writerFailure.withLock { $0 }
        if let failure, !stopReason.hasPrefix("stopped by a write error") {
            stopReason = "stopped by a write error: \(failure)"
        }
        do {
            try writer.close(stopReason: stopReason)
        } catch {
            // Closing after a write error (a full disk) may fail too; the first error is the one to report.
            if failure == nil { throw RecorderError.writeFailed(path: options.outputPath, reason: "\(error)") }
        }
        if let failure { throw RecorderError.writeFailed(path: options.outputPath, reason: failure) }
        let snapshot = counters.snapshot()
        return Summary(path: options.outputPath, buffers: snapshot.buffers, rawBytes: snapshot.rawBytes,
                       storedBytes: snapshot.storedBytes, recorderDrops: snapshot.recorderDrops,
                       seconds: Double(MonotonicClock.nanoseconds() - started) / 1e9, stopReason: stopReason)
    }

    private static func encode(_ job: Job, encoder: PlaneEncoder) -> Item {
        // Hands the buffer back to the source (QBUF) once its bytes are compressed, on every path.
        defer { job.captured.release() }
        var planes: [EncodedPlane] = []
        for (index, bytes) in job.captured.planeBytes.enumerated() {
            let metadata = index < job.captured.metadata.planes.count
                ? job.captured.metadata.planes[index] : PlaneMetadata(bytesUsed: UInt32(bytes.count), length: UInt32(bytes.count))
            do {
                planes.append(try encoder.encode(bytes, metadata: metadata, as: job.encoding))
            } catch {
                return .failed("\(error)")
            }
        }
        return .buffer(EncodedBuffer(bufferID: job.bufferID, requestID: job.requestID, requestJoin: job.join,
                                     streamID: job.captured.streamID, metadata: job.captured.metadata, planes: planes))
    }
}

/// Running totals shared by the writer and the status line.
private final class Counters: Sendable {
    private let state = Mutex(Recorder.Progress(buffers: 0, rawBytes: 0, storedBytes: 0, recorderDrops: 0, driverDrops: 0))

    func written(_ buffer: EncodedBuffer) {
        state.withLock {
            $0.buffers += 1
            for plane in buffer.planes {
                $0.rawBytes += Int64(plane.storedSize)
                $0.storedBytes += Int64(plane.frame.count)
            }
        }
    }

    func recorderDrop() { state.withLock { $0.recorderDrops += 1 } }

    func driverDrops(_ count: Int64) { state.withLock { $0.driverDrops += count } }

    func snapshot() -> Recorder.Progress { state.withLock { $0 } }
}

/// Moves a value that is not Sendable to the one thread that will own it from then on.
final class UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
