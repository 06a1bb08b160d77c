import CamrecInspect
import CamrecStore
import Foundation

/// The answers of `/api/diff...` for two recordings: their frames paired as `camrec diff` pairs
/// them (streams by name, or the only stream of each; buffers by sequence), each differing pair
/// with its PSNR, and a heatmap of where one pair differs. The comparison reads every frame, so it
/// runs once, on the first request, and is kept.
final class ComparisonAPI: @unchecked Sendable {
    let first: ViewedRecording
    let second: ViewedRecording
    private var cached: Data?
    private let lock = NSLock()

    init(first: ViewedRecording, second: ViewedRecording) {
        self.first = first
        self.second = second
    }

    /// `camrec diff --json` for the two recordings.
    func differences() throws -> Data {
        lock.lock()
        defer { lock.unlock() }
        if let cached { return cached }
        let diff = try first.withReader { left in
            try second.withReader { right in
                try RecordingDiff(first: left, second: right, pairs: try Self.pairs(left, right), pairing: .sequence)
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        struct Output: Encodable {
            var equal: Bool
            var pairing: String
            var streams: [RecordingDiff.StreamResult]
        }
        let data = try encoder.encode(Output(equal: diff.isEqual(minimumPSNR: nil), pairing: "sequence", streams: diff.streams))
        cached = data
        return data
    }

    /// Streams of one name, or the only stream of each recording: `camrec diff` without --stream.
    static func pairs(_ left: RecordingReader, _ right: RecordingReader) throws(ViewerError) -> [RecordingDiff.StreamPair] {
        var pairs = left.streams.compactMap { stream in
            right.streams.first { $0.name == stream.name }.map { RecordingDiff.StreamPair(left: stream, right: $0) }
        }
        if pairs.isEmpty, left.streams.count == 1, right.streams.count == 1, let a = left.streams.first, let b = right.streams.first {
            pairs = [RecordingDiff.StreamPair(left: a, right: b)]
        }
        guard !pairs.isEmpty else {
            throw .notFound("the recordings share no stream name (first: \(left.streams.map(\.name).joined(separator: ", ")); "
                            + "second: \(right.streams.map(\.name).joined(separator: ", ")))")
        }
        return pairs
    }

    /// Where the pair of `stream` at `sequence` differs: black where equal, red to yellow by the
    /// largest difference of R, G and B (both converted as `export` converts them), as PNG.
    func heatmap(stream name: String, sequence: UInt32) throws -> [UInt8] {
        let images = try first.withReader { left in
            try second.withReader { right in
                let pair = try Self.pairs(left, right).first { $0.left.name == name }
                guard let pair else { throw ViewerError.notFound("no compared stream is named '\(name)'") }
                let leftFrames = FrameExporter(reader: left), rightFrames = FrameExporter(reader: right)
                return (try leftFrames.image(try leftFrames.buffer(of: pair.left, sequence: sequence), of: pair.left),
                        try rightFrames.image(try rightFrames.buffer(of: pair.right, sequence: sequence), of: pair.right))
            }
        }
        let (a, b) = images
        guard a.width == b.width, a.height == b.height, a.pixels.count == b.pixels.count else {
            throw ViewerError.failed("the frames are \(a.width)x\(a.height) and \(b.width)x\(b.height): no heatmap of different sizes")
        }
        var pixels = [UInt8](repeating: 0, count: a.pixels.count)
        for pixel in 0..<(a.width * a.height) {
            var largest = 0
            for channel in 0..<3 {
                let index = pixel * 3 + channel
                largest = max(largest, abs(Int(a.pixels[index]) - Int(b.pixels[index])))
            }
            guard largest > 0 else { continue }
            // Any difference shows (at least a dim red); larger ones turn yellow.
            pixels[pixel * 3] = UInt8(min(255, 96 + largest * 4))
            pixels[pixel * 3 + 1] = UInt8(min(255, max(0, largest * 2 - 32)))
        }
        return try ImageFile.png(RGBImage(width: a.width, height: a.height, pixels: pixels))
    }
}
