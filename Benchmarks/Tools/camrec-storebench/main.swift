// camrec-storebench: the plain driver that tools/bench runs (the package-benchmark suite is the
// other way in). Figures are MB/s of raw bytes, MB = 1,000,000 bytes, as `zstd -b` counts.
//
//   camrec-storebench frames --count N -o FILE
//       writes N frames of the synthetic camera's 1280x720 NV12 main stream, back to back
//       (the bytes `zstd -b` is given); prints the frame size in bytes
//   camrec-storebench store --level L --workers W [--frames N] [--repeats R]
//       records N pre-rendered frames through the whole store pipeline R times
//   camrec-storebench encode --level L [--repeats R]
//       PlaneEncoder on one thread, and libzstd alone with the same parameters
//
// `store` and `encode` print one line per figure, for scripts: `KIND level=L workers=W
// median=MB/s ratio=R cpu=MB/CPU-s runs=a,b,c` (median over the runs; cpu: raw MB per second of
// the process's CPU time, all threads).

import CamrecStore
import Foundation
import StoreBenchSupport

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("camrec-storebench: \(message)\n".utf8))
    exit(2)
}

func value(_ name: String, in arguments: [String]) -> String? {
    guard let index = arguments.firstIndex(of: name) else { return nil }
    guard index + 1 < arguments.count else { fail("\(name) needs a value") }
    return arguments[index + 1]
}

func integer(_ name: String, in arguments: [String], default fallback: Int? = nil, range: ClosedRange<Int>) -> Int {
    guard let text = value(name, in: arguments) else {
        guard let fallback else { fail("\(name) is required") }
        return fallback
    }
    guard let number = Int(text), range.contains(number) else {
        fail("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
    }
    return number
}

func line(_ kind: String, level: Int32, workers: Int, runs: [StoreRun]) {
    let figures = runs.map(\.megabytesPerSecond)
    let text = "\(kind) level=\(level) workers=\(workers) median=\(String(format: "%.1f", median(figures)))"
        + " ratio=\(runs.allSatisfy { $0.storedBytes > 0 } ? String(format: "%.3f", median(runs.map(\.ratio))) : "-")"
        + " cpu=\(String(format: "%.1f", median(runs.map(\.megabytesPerCPUSecond))))"
        + " runs=\(figures.map { String(format: "%.1f", $0) }.joined(separator: ","))"
    print(text)
    fflush(nil)
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard let command = arguments.first else {
    fail("usage: camrec-storebench frames|store|encode ... (see the top of Tools/camrec-storebench/main.swift)")
}

do {
    switch command {
    case "frames":
        let count = integer("--count", in: arguments, range: 1...10_000)
        guard let output = value("-o", in: arguments) else { fail("-o FILE is required") }
        let frames = FrameSet(count: count)
        try frames.write(to: output)
        print(frames.frameSize)
    case "store":
        let level = Int32(integer("--level", in: arguments, range: 1...19))
        let workers = integer("--workers", in: arguments, range: 1...64)
        let count = integer("--frames", in: arguments, default: 64, range: 1...100_000)
        let repeats = integer("--repeats", in: arguments, default: 5, range: 1...100)
        let frames = FrameSet(count: min(count, 32))
        _ = try recordThroughStore(frames: frames, frameCount: min(count, 16), level: level, workers: workers)  // warm-up
        let runs = try (0..<repeats).map { _ in
            try recordThroughStore(frames: frames, frameCount: count, level: level, workers: workers)
        }
        line("store", level: level, workers: workers, runs: runs)
    case "encode":
        let level = Int32(integer("--level", in: arguments, range: 1...19))
        let repeats = integer("--repeats", in: arguments, default: 5, range: 1...100)
        let frames = FrameSet(count: 32)
        let encoder = try PlaneEncoder(level: level)
        let zstd = PlainZstd(level: level, frameSize: frames.frameSize)
        _ = try encodeFrames(frames, encoder: encoder)
        _ = zstd.compress(frames)
        line("encode", level: level, workers: 1, runs: try (0..<repeats).map { _ in try encodeFrames(frames, encoder: encoder) })
        line("libzstd", level: level, workers: 1, runs: (0..<repeats).map { _ in zstd.compress(frames) })
        line("xxh64", level: level, workers: 1, runs: (0..<repeats).map { _ in hashFrames(frames) })
    default:
        fail("unknown command '\(command)': frames, store or encode")
    }
} catch {
    fail("\(error)")
}
