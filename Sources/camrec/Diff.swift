import ArgumentParser
import CamrecInspect
import CamrecStore
import Foundation

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare the frames of two recordings.",
        discussion: """
            Buffers are paired by stream name and sequence (or --pair timestamp). Reports identical \
            pairs, the PSNR of pairs that differ and frames found on one side only. Pairs whose recorded checksums (XXH64 per \
            plane) and sizes agree count as bit-exact without being decoded; `camrec verify` checks the bytes \
            against those checksums. Exit 0 only when \
            every pair is identical (or at least --min-psnr dB) and no frame is missing; 1 otherwise.

            Two streams of one format (fourcc, size, bytesperline of each plane) are compared byte for \
            byte: only they can be bit-exact. Two formats of one size are compared after converting both \
            frames to one representation, and the output says so and from which formats ("compared_as" and \
            "conversion" in --json): 4:2:0 YUV layouts (NV12, NV21, YU12, YV12 and their multi-planar \
            forms) to planar YUV 4:2:0, a lossless re-layout (the one .y4m export makes), so one picture \
            compares identical; other formats libv4lconvert reads to RGB24, as .png export does. Streams of \
            different sizes, metadata of different formats, compressed formats (MJPEG, FWHT, H.264...) \
            against another format and formats camrec cannot convert are refused before anything is \
            compared, naming both formats (exit 1); --stream picks the streams that can be compared.

            Examples:
              camrec diff reference.camrec candidate.camrec
              camrec diff input.camrec output.camrec --stream main=capture --pair timestamp
              camrec diff a.camrec b.camrec --pair timestamp --tolerance 0.5
              camrec diff a.camrec b.camrec --min-psnr 40 --json
            """)

    @Argument(help: "The first recording.")
    var first: String

    @Argument(help: "The second recording.")
    var second: String

    @Option(help: ArgumentHelp("Compare only this stream, or stream A of the first with stream B of the second.",
                               valueName: "S or A=B"))
    var stream: [String] = []

    @Option(help: "Pair buffers by sequence or timestamp.")
    var pair: RecordingDiff.Pairing = .sequence

    @Option(help: ArgumentHelp("With --pair timestamp: pair buffers whose timestamps are at most this far apart, "
                               + "\(Self.toleranceLimit.text) (default 0: equal timestamps, as an M2M device copies them).",
                               valueName: "MS"))
    var tolerance: Double = 0

    static let toleranceLimit = NumberLimit(option: "--tolerance", range: 0.0...1000, unit: "ms")

    @Option(help: "Pairs whose PSNR is at least this many dB count as equal (\(Self.minPsnrLimit.text)).")
    var minPsnr: Double?

    /// 8-bit frames that differ in one sample of a 16384x16384 image are about 132 dB apart.
    static let minPsnrLimit = NumberLimit(option: "--min-psnr", range: 0.01...1000, unit: "dB")

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        try Self.toleranceLimit.check(tolerance)
        if tolerance > 0 && pair != .timestamp { throw ValidationError("--tolerance goes with --pair timestamp.") }
        try Self.minPsnrLimit.check(minPsnr)
        for item in stream where item.split(separator: "=", omittingEmptySubsequences: false).contains(where: \.isEmpty)
            || item.split(separator: "=").count > 2 {
            throw ValidationError("--stream takes a stream name S, or A=B for stream A of the first and B of the second; got '\(item)'.")
        }
    }

    func run() throws {
        let left = try RecordingReader(path: first)
        let right = try RecordingReader(path: second)
        var pairs: [RecordingDiff.StreamPair] = []
        if stream.isEmpty {
            for description in left.streams {
                if let other = right.streams.first(where: { $0.name == description.name }) {
                    pairs.append(RecordingDiff.StreamPair(left: description, right: other))
                }
            }
            if pairs.isEmpty, left.streams.count == 1, right.streams.count == 1, let a = left.streams.first, let b = right.streams.first {
                pairs.append(RecordingDiff.StreamPair(left: a, right: b))
            }
            guard !pairs.isEmpty else {
                throw CommandFailure("the recordings share no stream name (first: \(left.streams.map(\.name).joined(separator: ", ")); "
                                     + "second: \(right.streams.map(\.name).joined(separator: ", "))); pass --stream A=B.")
            }
        } else {
            for item in stream {
                let names = item.split(separator: "=", maxSplits: 1).map(String.init)
                let leftName = names[0]
                let rightName = names.count > 1 ? names[1] : names[0]
                guard let a = left.stream(named: leftName) else {
                    throw CommandFailure("\(first) has no stream '\(leftName)'; it has: \(left.streams.map(\.name).joined(separator: ", ")).")
                }
                guard let b = right.stream(named: rightName) else {
                    throw CommandFailure("\(second) has no stream '\(rightName)'; it has: \(right.streams.map(\.name).joined(separator: ", ")).")
                }
                pairs.append(RecordingDiff.StreamPair(left: a, right: b))
            }
        }
        let diff: RecordingDiff
        do {
            guard let toleranceNanoseconds = nanoseconds(tolerance, per: 1e6) else {
                throw CommandFailure("--tolerance \(tolerance) ms is out of range; \(Self.toleranceLimit.text).")
            }
            diff = try RecordingDiff(first: left, second: right, pairs: pairs, pairing: pair,
                                     timestampToleranceNanoseconds: toleranceNanoseconds)
        } catch let refusal as IncomparableStreams {
            throw CommandFailure(refusal.description)
        }
        let equal = diff.isEqual(minimumPSNR: minPsnr)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            struct Output: Encodable {
                var equal: Bool
                var streams: [RecordingDiff.StreamResult]
            }
            print(String(decoding: try encoder.encode(Output(equal: equal, streams: diff.streams)), as: UTF8.self))
        } else {
            for result in diff.streams {
                let name = result.stream == result.otherStream ? result.stream : "\(result.stream)=\(result.otherStream)"
                let identical = result.comparedAs == .bytes ? "bit-exact" : "identical after conversion"
                print("\(name): \(result.paired) paired, \(result.identical) \(identical), \(result.differences.count) differ, "
                      + "\(result.onlyInFirst.count) only in the first, \(result.onlyInSecond.count) only in the second")
                if let conversion = result.conversion { print("  compared after conversion: \(conversion)") }
                for difference in result.differences.prefix(20) {
                    let psnr = difference.psnr.map { String(format: "PSNR %.2f dB", $0) } ?? difference.problem ?? "differ"
                    print("  sequence \(difference.leftSequence) vs \(difference.rightSequence): \(psnr)")
                }
                if result.differences.count > 20 { print("  ... \(result.differences.count - 20) more (--json lists all)") }
                if !result.onlyInFirst.isEmpty { print("  only in the first: sequences \(summarize(result.onlyInFirst))") }
                if !result.onlyInSecond.isEmpty { print("  only in the second: sequences \(summarize(result.onlyInSecond))") }
            }
            print(equal ? "equal" : "different")
        }
        if !equal { throw ExitCode(1) }
    }

    private func summarize(_ sequences: [UInt32]) -> String {
        let shown = sequences.prefix(12).map(String.init).joined(separator: ", ")
        return sequences.count > 12 ? shown + ", ... (\(sequences.count))" : shown
    }
}

extension RecordingDiff.Pairing: ExpressibleByArgument {}
