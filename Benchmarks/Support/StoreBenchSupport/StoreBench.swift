import CamrecEngine
import CamrecStore
import CZstdBench
import Foundation
import V4L2Vocabulary
import Synchronization

/// Throughput in this package is MB/s of raw (uncompressed) bytes, with MB = 1,000,000 bytes,
/// the unit `zstd -b` uses, so the two can be put side by side.
public let bytesPerMegabyte = 1_000_000.0

/// Frames of the synthetic camera's "main" stream (NV12), rendered once and kept in memory, so
/// that what is measured is the store and not the camera's rendering.
public final class FrameSet: @unchecked Sendable {
    public let width: Int
    public let height: Int
    /// Bytes of one frame (NV12: width × height × 3/2).
    public let frameSize: Int
    /// The frames; immutable once rendered. Kept for the process's lifetime.
    public let frames: [UnsafeRawBufferPointer]
    /// The main stream as the synthetic camera describes it.
    public let stream: StreamDescription

    /// Renders `count` consecutive frames of the synthetic camera (motion and sensor noise, so the
    /// compression ratio is a real camera's) and copies their main-stream bytes.
    public init(count: Int, width: Int = 1280, height: Int = 720) {
        var options = SyntheticCamera.Options()
        options.mainWidth = UInt32(width)
        options.mainHeight = UInt32(height)
        options.unpaced = true
        let camera = SyntheticCamera(options: options)
        guard let main = camera.streams.first(where: { $0.name == "main" }) else {
            fatalError("the synthetic camera has no main stream")
        }
        self.width = width
        self.height = height
        self.stream = main
        frameSize = Int(main.format.planes[0].sizeImage)
        var frames: [UnsafeRawBufferPointer] = []
        do {
            try camera.start()
            while frames.count < count {
                guard let buffers = try camera.nextBuffers(timeoutMilliseconds: 1000) else { break }
                for buffer in buffers {
                    if buffer.streamID == main.id, let plane = buffer.planeBytes.first {
                        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: plane.count, alignment: 64)
                        copy.copyMemory(from: plane)
                        frames.append(UnsafeRawBufferPointer(copy))
                    }
                    buffer.release()
                }
            }
        } catch {
            fatalError("the synthetic camera failed: \(error)")
        }
        camera.stop()
        precondition(frames.count == count, "the synthetic camera ended after \(frames.count) frames")
        self.frames = frames
    }

    /// Bytes of all frames, in order: what `zstd -b` is given.
    public func write(to path: String) throws {
        var data = Data(capacity: frameSize * frames.count)
        for frame in frames { data.append(contentsOf: frame) }
        try data.write(to: URL(fileURLWithPath: path))
    }
}

/// A capture source that hands out pre-rendered frames as fast as the recorder takes them. Like a
/// driver it owns a fixed number of buffers, but when the recorder holds them all it waits for
/// one to come back instead of skipping a frame: the recorder is then never fed faster than it
/// writes, so it never drops, and every frame asked for is written.
public final class PrerenderedSource: FrameSource, @unchecked Sendable {
    public let streams: [StreamDescription]
    public let sourceDescription = "pre-rendered synthetic frames (benchmark)"
    public private(set) var endReason: String?
    private let frameSet: FrameSet
    private let freeBuffers: DispatchSemaphore
    private var sequence: UInt32 = 0
    private var startNanoseconds: Int64 = 0
    private var started = false

    /// `buffers` must not exceed the recorder's queue capacity, so the queue is never full.
    public init(frames: FrameSet, buffers: Int = 4) {
        frameSet = frames
        streams = [frames.stream]
        freeBuffers = DispatchSemaphore(value: buffers)
    }

    public func start() throws {
        startNanoseconds = MonotonicClock.nanoseconds()
        started = true
    }

    public func stop() { started = false }

    public func nextBuffers(timeoutMilliseconds: Int32) throws -> [CapturedBuffer]? {
        guard started else { return nil }
        guard freeBuffers.wait(timeout: .now() + .milliseconds(Int(timeoutMilliseconds))) == .success else { return [] }
        let frame = sequence
        sequence &+= 1
        let bytes = frameSet.frames[Int(frame) % frameSet.frames.count]
        let size = UInt32(bytes.count)
        let metadata = FrameMetadata(
            status: .ok, sequence: frame,
            timestamp: BufferTimestamp(nanoseconds: startNanoseconds + Int64(frame) * 33_333_333, clock: .monotonic),
            flags: .timestampMonotonic, field: .none, planes: [PlaneMetadata(bytesUsed: size, dataOffset: 0, length: size)])
        let semaphore = freeBuffers
        return [CapturedBuffer(streamID: frameSet.stream.id, metadata: metadata, planeBytes: [bytes],
                               release: { semaphore.signal() })]
    }
}

/// What one run through the store did.
public struct StoreRun: Sendable {
    public var frames: Int64
    public var rawBytes: Int64
    public var storedBytes: Int64
    public var recorderDrops: Int64
    /// Wall-clock time of the run.
    public var seconds: Double
    /// CPU time the whole process spent during the run (every thread, user and system).
    public var cpuSeconds: Double

    public var megabytesPerSecond: Double { Double(rawBytes) / bytesPerMegabyte / seconds }
    /// Raw MB per CPU-second: the work per core, which other processes on a shared machine
    /// change far less than they change the wall clock.
    public var megabytesPerCPUSecond: Double { Double(rawBytes) / bytesPerMegabyte / cpuSeconds }
    public var ratio: Double { Double(rawBytes) / Double(max(1, storedBytes)) }
}

public enum StoreBenchError: Error, CustomStringConvertible {
    case incomplete(String)
    public var description: String {
        switch self { case let .incomplete(message): return message }
    }
}

/// Where the runs write their recordings: `$CAMREC_BENCH_DIR`, else the temporary folder.
/// (The store syncs every chunk, so a tmpfs and a disk give different figures: say which.)
public func benchmarkDirectory() -> String {
    let environment = ProcessInfo.processInfo.environment
    let base = environment["CAMREC_BENCH_DIR"] ?? NSTemporaryDirectory()
    return (base as NSString).standardizingPath
}

private let runCounter = Atomic<Int>(0)

/// CPU time of this process so far (all threads, user and system), in seconds.
public func processCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// Records `frameCount` pre-rendered frames through the real store, the whole pipeline of
/// `camrec record`: bounded queue, `workers` compression threads (PlaneEncoder at `level`), the
/// ordered writer (RecordingWriter: chunks synced, SQLite index committed), then closes the
/// recording. Timed from the creation of the recording to its close; the recording is removed
/// afterwards.
public func recordThroughStore(frames: FrameSet, frameCount: Int, level: Int32, workers: Int,
                               directory: String = benchmarkDirectory()) throws -> StoreRun {
    let run = runCounter.add(1, ordering: .relaxed).newValue
    let path = "\(directory)/camrec-bench-\(getpid())-\(run).camrec"
    defer { try? FileManager.default.removeItem(atPath: path) }
    var options = Recorder.Options(outputPath: path)
    options.compressionLevel = level
    options.workers = workers
    options.frameLimit = frameCount
    options.commandLine = "camrec-benchmarks level \(level) workers \(workers)"
    let source = PrerenderedSource(frames: frames, buffers: min(4, options.queueCapacity))
    let started = MonotonicClock.nanoseconds()
    let cpuStarted = processCPUSeconds()
    let summary = try Recorder(source: source, options: options).run()
    let seconds = Double(MonotonicClock.nanoseconds() - started) / 1e9
    guard summary.buffers == Int64(frameCount), summary.recorderDrops == 0 else {
        throw StoreBenchError.incomplete("wrote \(summary.buffers) of \(frameCount) frames, "
                                         + "\(summary.recorderDrops) recorder drops (\(summary.stopReason))")
    }
    return StoreRun(frames: summary.buffers, rawBytes: summary.rawBytes, storedBytes: summary.storedBytes,
                    recorderDrops: summary.recorderDrops, seconds: seconds,
                    cpuSeconds: processCPUSeconds() - cpuStarted)
}

/// Encodes every frame once with camrec's PlaneEncoder (zstd + content checksum + XXH64 of the
/// raw bytes) on the calling thread: the per-core figure to put next to `zstd -b`.
public func encodeFrames(_ frames: FrameSet, encoder: PlaneEncoder) throws -> StoreRun {
    var stored: Int64 = 0
    let started = MonotonicClock.nanoseconds()
    let cpuStarted = processCPUSeconds()
    for frame in frames.frames {
        let plane = try encoder.encode(frame, metadata: PlaneMetadata(bytesUsed: UInt32(frame.count),
                                                                       length: UInt32(frame.count)), as: .zstd)
        stored += Int64(plane.frame.count)
    }
    let seconds = Double(MonotonicClock.nanoseconds() - started) / 1e9
    return StoreRun(frames: Int64(frames.frames.count), rawBytes: Int64(frames.frameSize * frames.frames.count),
                    storedBytes: stored, recorderDrops: 0, seconds: seconds,
                    cpuSeconds: processCPUSeconds() - cpuStarted)
}

/// libzstd alone, as `zstd -b` calls it: one context, each frame compressed into a reused
/// buffer, with the same parameters as PlaneEncoder (level, content checksum, content size).
public final class PlainZstd {
    private let context: OpaquePointer
    private var output: [UInt8]

    public init(level: Int32, frameSize: Int) {
        guard let context = ZSTD_createCCtx() else { fatalError("ZSTD_createCCtx failed") }
        self.context = context
        ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level)
        ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1)
        ZSTD_CCtx_setParameter(context, ZSTD_c_contentSizeFlag, 1)
        output = [UInt8](repeating: 0, count: ZSTD_compressBound(frameSize))
    }

    deinit { ZSTD_freeCCtx(context) }

    public func compress(_ frames: FrameSet) -> StoreRun {
        var stored: Int64 = 0
        let started = MonotonicClock.nanoseconds()
        let cpuStarted = processCPUSeconds()
        output.withUnsafeMutableBytes { output in
            for frame in frames.frames {
                let written = ZSTD_compress2(context, output.baseAddress, output.count, frame.baseAddress, frame.count)
                precondition(ZSTD_isError(written) == 0, "zstd: \(String(cString: ZSTD_getErrorName(written)))")
                stored += Int64(written)
            }
        }
        let seconds = Double(MonotonicClock.nanoseconds() - started) / 1e9
        return StoreRun(frames: Int64(frames.frames.count), rawBytes: Int64(frames.frameSize * frames.frames.count),
                        storedBytes: stored, recorderDrops: 0, seconds: seconds,
                        cpuSeconds: processCPUSeconds() - cpuStarted)
    }
}

/// camrec's checksum of the raw bytes (XXH64 over every frame), on its own.
public func hashFrames(_ frames: FrameSet) -> StoreRun {
    var sink: UInt64 = 0
    let started = MonotonicClock.nanoseconds()
    let cpuStarted = processCPUSeconds()
    for frame in frames.frames { sink ^= XXHash64.hash(frame) }
    let seconds = Double(MonotonicClock.nanoseconds() - started) / 1e9
    precondition(sink != 1)  // Keeps the hashes from being optimised away.
    return StoreRun(frames: Int64(frames.frames.count), rawBytes: Int64(frames.frameSize * frames.frames.count),
                    storedBytes: 0, recorderDrops: 0, seconds: seconds,
                    cpuSeconds: processCPUSeconds() - cpuStarted)
}

/// The median of some figures.
public func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// Frames already encoded at one level, for measuring the writer on its own.
public final class EncodedFrames: @unchecked Sendable {
    public let frames: FrameSet
    public let planes: [EncodedPlane]

    public init(_ frames: FrameSet, level: Int32) throws {
        let encoder = try PlaneEncoder(level: level)
        self.frames = frames
        planes = try frames.frames.map { frame throws(StoreError) in
            try encoder.encode(frame, metadata: PlaneMetadata(bytesUsed: UInt32(frame.count), length: UInt32(frame.count)),
                               as: .zstd)
        }
    }
}

/// RecordingWriter on its own, on the calling thread: `frameCount` already-encoded frames
/// appended (chunks written, synced, index rows committed per chunk), then the recording closed.
/// Shows whether the single ordered writer can keep up with the workers.
public func writeEncodedFrames(_ encoded: EncodedFrames, frameCount: Int,
                               directory: String = benchmarkDirectory()) throws -> StoreRun {
    let run = runCounter.add(1, ordering: .relaxed).newValue
    let path = "\(directory)/camrec-bench-\(getpid())-\(run).camrec"
    defer { try? FileManager.default.removeItem(atPath: path) }
    let started = MonotonicClock.nanoseconds()
    let cpuStarted = processCPUSeconds()
    let info = RecordingInfo(camrecVersion: FormatVersion.camrec, host: ProcessInfo.processInfo.hostName,
                             commandLine: "camrec-benchmarks writer", startWallNanoseconds: MonotonicClock.wallNanoseconds(),
                             startMonotonicNanoseconds: started, source: "pre-encoded frames (benchmark)",
                             requestToleranceNanoseconds: 2_000_000)
    let writer = try RecordingWriter(path: path, info: info, streams: [encoded.frames.stream])
    var raw: Int64 = 0
    var stored: Int64 = 0
    for index in 0..<frameCount {
        let plane = encoded.planes[index % encoded.planes.count]
        let metadata = FrameMetadata(
            status: .ok, sequence: UInt32(index),
            timestamp: BufferTimestamp(nanoseconds: started + Int64(index) * 33_333_333, clock: .monotonic),
            flags: .timestampMonotonic, field: .none, planes: [plane.metadata])
        try writer.append(EncodedBuffer(bufferID: Int64(index + 1), requestID: Int64(index + 1), requestJoin: .opened,
                                        streamID: encoded.frames.stream.id, metadata: metadata, planes: [plane]))
        raw += Int64(plane.storedSize)
        stored += Int64(plane.frame.count)
    }
    try writer.close(stopReason: "benchmark done")
    let seconds = Double(MonotonicClock.nanoseconds() - started) / 1e9
    return StoreRun(frames: Int64(frameCount), rawBytes: raw, storedBytes: stored, recorderDrops: 0, seconds: seconds,
                    cpuSeconds: processCPUSeconds() - cpuStarted)
}
