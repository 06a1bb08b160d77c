// `camrec info` and a single-frame fetch on a recording of 1,000,000 buffers (two streams of
// 500,000, a driver drop every 1000 frames, an error buffer every 997). The recording is made
// once per process through the real RecordingWriter with small planes, so its index is exactly
// what the recorder writes; it takes a few seconds before the first measurement.
//
//   cd Benchmarks && swift package benchmark --target InspectBenchmarks

import Benchmark
import CamrecInspect
import CamrecStore
import Foundation
import V4L2Vocabulary

/// The 1M-buffer recording, made on first use.
let bigRecording: Result<String, StoreError> = makeBigRecording(buffersPerStream: 500_000)

func makeBigRecording(buffersPerStream: Int) -> Result<String, StoreError> {
    let folder = (ProcessInfo.processInfo.environment["CAMREC_BENCH_DIR"] ?? NSTemporaryDirectory())
        + "/camrec-inspect-bench-\(getpid()).camrec"
    return Result { () throws(StoreError) in
        let streams = [
            StreamDescription(id: 1, name: "main", kind: .video,
                              format: VideoFormat(bufferType: .videoCapture, pixelFormat: PixelFormat(rawValue: 0x5659_5559), width: 8, height: 2,
                                                   planes: [PlaneLayout(bytesPerLine: 16, sizeImage: 32)])),
            StreamDescription(id: 2, name: "meta", kind: .meta,
                              format: VideoFormat(bufferType: .metaCapture, pixelFormat: PixelFormat(rawValue: 0x444D_5343), width: 0, height: 0,
                                                   planes: [PlaneLayout(bytesPerLine: 0, sizeImage: 16)])),
        ]
        let info = RecordingInfo(camrecVersion: FormatVersion.camrec, host: "bench", commandLine: "InspectBenchmarks",
                                 startWallNanoseconds: 0, startMonotonicNanoseconds: 0, source: "synthetic index",
                                 requestToleranceNanoseconds: 0)
        let writer = try RecordingWriter(path: folder, info: info, streams: streams)
        let encoder = try PlaneEncoder(level: 1)
        var bytes = [UInt8](repeating: 0, count: 32)
        var bufferID: Int64 = 0
        var sequence: UInt32 = 0
        for frame in 0..<buffersPerStream {
            if frame > 0 && frame % 1000 == 0 { sequence += 1 }  // A driver drop.
            let timestamp = BufferTimestamp(nanoseconds: Int64(sequence) * 33_333_333, clock: .monotonic)
            for stream in streams {
                bufferID += 1
                let size = Int(stream.format.planes[0].sizeImage)
                bytes[0] = UInt8(truncatingIfNeeded: frame)
                bytes[1] = UInt8(truncatingIfNeeded: frame >> 8)
                let encoded: Result<EncodedPlane, StoreError> = bytes.withUnsafeBytes { raw in
                    Result { () throws(StoreError) in
                        try encoder.encode(UnsafeRawBufferPointer(rebasing: raw[0..<size]),
                                           metadata: PlaneMetadata(bytesUsed: UInt32(size), length: UInt32(size)), as: .zstd)
                    }
                }
                let plane = try encoded.get()
                let error = stream.id == 1 && frame % 997 == 996
                try writer.append(EncodedBuffer(
                    bufferID: bufferID, requestID: Int64(frame + 1),
                    requestJoin: stream.id == 1 ? .opened : .sameSequenceAndTimestamp, streamID: stream.id,
                    metadata: FrameMetadata(status: error ? .error : .ok, sequence: sequence, timestamp: timestamp,
                                             flags: error ? .error : [], planes: [plane.metadata]),
                    planes: [plane]))
            }
            sequence += 1
        }
        try writer.close(stopReason: "benchmark recording complete")
        return folder
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration.maxDuration = .seconds(10)
    Benchmark.defaultConfiguration.maxIterations = 50

    Benchmark("info, 1M buffers") { benchmark in
        guard case let .success(path) = bigRecording else { return }
        for _ in benchmark.scaledIterations {
            let reader = try RecordingReader(path: path)
            blackHole(try RecordingOverview(reader: reader))
        }
    }

    Benchmark("single-frame fetch, 1M buffers") { benchmark in
        guard case let .success(path) = bigRecording else { return }
        for _ in benchmark.scaledIterations {
            let reader = try RecordingReader(path: path)
            let buffers = try reader.buffers(streamID: 1, where: .sequence(250_250))
            for buffer in buffers { blackHole(try reader.readBuffer(buffer)) }
        }
    }

    Benchmark.teardown = {
        if case let .success(path) = bigRecording { try? FileManager.default.removeItem(atPath: path) }
    }
}
