// The store's throughput, in MB/s of raw bytes (MB = 1,000,000 bytes, as `zstd -b` counts), on
// 1280x720 NV12 frames of the synthetic camera (motion and sensor noise), rendered once before
// anything is measured. Each benchmark reports "raw MB/s" (wall clock) and "raw MB/CPU-s" (raw MB
// per CPU-second of the whole process, all threads: the per-core cost, which other work on a
// shared machine disturbs far less than the wall clock), and the compression ratio ×100.
//
//   cd Benchmarks && swift package benchmark                      # everything (about 1 minute)
//   cd Benchmarks && swift package benchmark --filter 'Store.*'   # one group
//
// Groups:
// - "Store L<level> W<workers>": the whole recording pipeline of `camrec record` (Recorder with a
//   source that hands out the pre-rendered frames, bounded queue, compression workers, ordered
//   RecordingWriter with synced chunks and the SQLite index), 64 frames per iteration, into
//   $CAMREC_BENCH_DIR or the temporary folder.
// - "Encode L<level>": PlaneEncoder.encode on one thread, every frame once per iteration: the
//   per-core figure to put next to `zstd -b` (tools/bench does that on the same bytes).
// - "zstd alone L<level>": libzstd's ZSTD_compress2 with PlaneEncoder's parameters, in the same
//   process: what PlaneEncoder adds on top of zstd.
// - "Writer L<level>": RecordingWriter alone on one thread, with frames encoded beforehand: can
//   the single ordered writer (chunk writes, fdatasync, SQLite) keep up with the workers?
// - "XXH64": camrec's checksum of the raw bytes, which PlaneEncoder computes besides zstd's own.

import Benchmark
import CamrecStore
import StoreBenchSupport

/// MB/s of raw bytes per iteration; larger is better.
let rawThroughput = BenchmarkMetric.custom("raw MB/s", polarity: .prefersLarger, useScalingFactor: false)
/// MB of raw bytes per CPU-second of the whole process (all threads): work per core, which a
/// busy machine disturbs far less than the wall clock.
let cpuThroughput = BenchmarkMetric.custom("raw MB/CPU-s", polarity: .prefersLarger, useScalingFactor: false)
/// Raw bytes over stored bytes, ×100.
let compressionRatio = BenchmarkMetric.custom("ratio x100", polarity: .prefersLarger, useScalingFactor: false)

/// Frames of the synthetic camera, shared by every benchmark of the process.
let frameSet = FrameSet(count: 32)
/// Frames written per iteration of a store benchmark (two passes over the frame set, about 88 MB).
let storeFramesPerIteration = 64

/// Frames encoded once, on first use (the benchmark process runs one benchmark at a time).
final class LazyEncoded: @unchecked Sendable {
    let level: Int32
    private var value: EncodedFrames?
    init(level: Int32) { self.level = level }
    func get() throws -> EncodedFrames {
        if let value { return value }
        let made = try EncodedFrames(frameSet, level: level)
        value = made
        return made
    }
}

func report(_ run: StoreRun, _ benchmark: Benchmark) {
    benchmark.measurement(rawThroughput, Int(run.megabytesPerSecond.rounded()))
    benchmark.measurement(cpuThroughput, Int(run.megabytesPerCPUSecond.rounded()))
    if run.storedBytes > 0 { benchmark.measurement(compressionRatio, Int((run.ratio * 100).rounded())) }
}

let benchmarks: @Sendable () -> Void = {
    let units: [BenchmarkMetric: BenchmarkUnits] = [rawThroughput: .count, cpuThroughput: .count, compressionRatio: .count]
    let store = Benchmark.Configuration(metrics: [rawThroughput, cpuThroughput, compressionRatio, .wallClock], units: units,
                                        warmupIterations: 1, maxDuration: .seconds(8), maxIterations: 7)
    let perCore = Benchmark.Configuration(metrics: [rawThroughput, cpuThroughput, compressionRatio, .wallClock], units: units,
                                          warmupIterations: 1, maxDuration: .seconds(4), maxIterations: 15)

    for level: Int32 in [1, 3] {
        for workers in [1, 2] {
            Benchmark("Store L\(level) W\(workers)", configuration: store) { benchmark in
                let run = try recordThroughStore(frames: frameSet, frameCount: storeFramesPerIteration,
                                                 level: level, workers: workers)
                report(run, benchmark)
            }
        }
    }

    for level: Int32 in [1, 3] {
        Benchmark("Encode L\(level)", configuration: perCore) { benchmark in
            let encoder = try PlaneEncoder(level: level)
            benchmark.startMeasurement()
            report(try encodeFrames(frameSet, encoder: encoder), benchmark)
        }
        Benchmark("zstd alone L\(level)", configuration: perCore) { benchmark in
            let zstd = PlainZstd(level: level, frameSize: frameSet.frameSize)
            benchmark.startMeasurement()
            report(zstd.compress(frameSet), benchmark)
        }
    }

    for level: Int32 in [1, 3] {
        let encoded = LazyEncoded(level: level)
        Benchmark("Writer L\(level)", configuration: store) { benchmark in
            let frames = try encoded.get()
            benchmark.startMeasurement()
            report(try writeEncodedFrames(frames, frameCount: storeFramesPerIteration), benchmark)
        }
    }

    Benchmark("XXH64", configuration: perCore) { benchmark in
        report(hashFrames(frameSet), benchmark)
    }
}
