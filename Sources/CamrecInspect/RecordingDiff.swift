import CamrecStore
import Foundation

/// Compares the frames of two recordings (`camrec diff`): buffers paired by stream and sequence
/// or by timestamp, each pair identical or not, with the PSNR of pairs that differ and the frames
/// that only one side has. Streams of one layout are compared byte for byte (bit-exact); two
/// layouts of one size are compared after converting both to one representation
/// (`ComparisonBasis`); other pairs are refused (`IncomparableStreams`) before anything is read.
public struct RecordingDiff: Sendable {
    /// How buffers of the two recordings are paired.
    public enum Pairing: String, Sendable, CaseIterable {
        case sequence
        case timestamp
    }

    /// One pair of streams to compare.
    public struct StreamPair: Sendable {
        public var left: StreamDescription
        public var right: StreamDescription

        public init(left: StreamDescription, right: StreamDescription) {
            self.left = left
            self.right = right
        }
    }

    /// A pair of buffers that differ.
    public struct Difference: Sendable, Codable {
        public var stream: String
        public var leftSequence: UInt32
        public var rightSequence: UInt32
        public var timestampNanoseconds: Int64
        /// nil when no PSNR means anything; `problem` says why.
        public var psnr: Double?
        /// The recorded bytes of each buffer.
        public var leftBytes: Int
        public var rightBytes: Int
        /// Why there is no PSNR: sizes differ, a compressed format, a buffer that could not be converted.
        public var problem: String?
    }

    /// The result for one pair of streams.
    public struct StreamResult: Sendable, Codable {
        public var stream: String
        public var otherStream: String
        /// What the frames were compared in; unless `.bytes`, `identical` counts pairs identical
        /// after conversion, not bit-exact ones.
        public var comparedAs: ComparisonBasis
        /// Each side's format, "640x480 NV12".
        public var firstFormat: String
        public var secondFormat: String
        /// What was converted to what, for people; nil when the recorded bytes were compared.
        public var conversion: String?
        public var paired: Int
        public var identical: Int
        public var differences: [Difference]
        /// Sequences only in the first or only in the second recording.
        public var onlyInFirst: [UInt32]
        public var onlyInSecond: [UInt32]
        public var minimumPSNR: Double?
    }

    public var streams: [StreamResult]

    /// True when every pair is identical (or at least `minimumPSNR`) and no frame is missing.
    public func isEqual(minimumPSNR: Double?) -> Bool {
        streams.allSatisfy { result in
            result.onlyInFirst.isEmpty && result.onlyInSecond.isEmpty && result.paired > 0
                && result.differences.allSatisfy { difference in
                    guard let threshold = minimumPSNR, let psnr = difference.psnr else { return false }
                    return psnr >= threshold
                }
        }
    }

    /// Compares `pairs` of streams of `first` and `second`. Throws `IncomparableStreams`, before
    /// reading any frame, when a pair's formats cannot be brought to one representation.
    public init(first: RecordingReader, second: RecordingReader, pairs: [StreamPair], pairing: Pairing,
                timestampToleranceNanoseconds: Int64 = 0) throws {
        var bases: [ComparisonBasis] = []
        var refused: [IncomparableStreams.Pair] = []
        var comparable: [String] = []
        for pair in pairs {
            do {
                bases.append(try ComparisonBasis(first: pair.left, second: pair.right))
                comparable.append(pair.left.name == pair.right.name ? pair.left.name : "\(pair.left.name)=\(pair.right.name)")
            } catch {
                refused.append(IncomparableStreams.Pair(firstRecording: first.path, first: pair.left,
                                                        secondRecording: second.path, second: pair.right, reason: error.reason))
            }
        }
        guard refused.isEmpty else { throw IncomparableStreams(pairs: refused, comparable: comparable) }

        let firstFrames = FrameExporter(reader: first)
        let secondFrames = FrameExporter(reader: second)
        var results: [StreamResult] = []
        for (pair, basis) in zip(pairs, bases) {
            let conversion = basis == .bytes ? nil
                : "\(pair.left.layoutSummary) (first) and \(pair.right.layoutSummary) (second) converted to \(basis.name)"
                    + (basis == .yuv420p ? ", a lossless re-layout" : "")
            var result = StreamResult(stream: pair.left.name, otherStream: pair.right.name, comparedAs: basis,
                                      firstFormat: pair.left.layoutSummary, secondFormat: pair.right.layoutSummary,
                                      conversion: conversion, paired: 0, identical: 0,
                                      differences: [], onlyInFirst: [], onlyInSecond: [], minimumPSNR: nil)
            func compare(_ left: IndexedBuffer, _ right: IndexedBuffer) throws {
                result.paired += 1
                func difference(psnr: Double?, leftBytes: Int, rightBytes: Int, problem: String?) -> Difference {
                    if let psnr { result.minimumPSNR = min(result.minimumPSNR ?? psnr, psnr) }
                    return Difference(stream: pair.left.name, leftSequence: left.metadata.sequence,
                                      rightSequence: right.metadata.sequence,
                                      timestampNanoseconds: left.metadata.timestamp.nanoseconds, psnr: psnr,
                                      leftBytes: leftBytes, rightBytes: rightBytes, problem: problem)
                }
                if basis == .bytes {
                    // Same plane sizes and recorded XXH64 checksums: identical without decoding a byte
                    // (`camrec verify` checks that the bytes match their checksums).
                    if left.planes.map(\.storedSize) == right.planes.map(\.storedSize),
                       left.planes.map(\.checksum) == right.planes.map(\.checksum) {
                        result.identical += 1
                        return
                    }
                    let leftBytes = try first.readBuffer(left)
                    let rightBytes = try second.readBuffer(right)
                    if leftBytes == rightBytes {
                        result.identical += 1
                        return
                    }
                    let problem: String? = if leftBytes.count != rightBytes.count {
                        "sizes differ (\(leftBytes.count) vs \(rightBytes.count) bytes)"
                    } else if pair.left.format.pixelFormat.isCompressed {
                        // Equal lengths of two compressed bitstreams say nothing about their pictures.
                        "\(pair.left.format.pixelFormat) is compressed: a PSNR of its bytes would mean nothing"
                    } else {
                        nil
                    }
                    result.differences.append(difference(psnr: problem == nil ? Self.psnr(leftBytes, rightBytes) : nil,
                                                         leftBytes: leftBytes.count, rightBytes: rightBytes.count,
                                                         problem: problem))
                    return
                }
                let leftPlanes = try firstFrames.planePayloads(left)
                let rightPlanes = try secondFrames.planePayloads(right)
                let leftBytes = leftPlanes.reduce(0) { $0 + $1.count }
                let rightBytes = rightPlanes.reduce(0) { $0 + $1.count }
                let leftSamples: [UInt8]
                let rightSamples: [UInt8]
                do {
                    leftSamples = try basis.samples(planes: leftPlanes, format: pair.left.format)
                } catch {
                    result.differences.append(difference(psnr: nil, leftBytes: leftBytes, rightBytes: rightBytes,
                                                         problem: "the first's buffer cannot be converted: \(error)"))
                    return
                }
                do {
                    rightSamples = try basis.samples(planes: rightPlanes, format: pair.right.format)
                } catch {
                    result.differences.append(difference(psnr: nil, leftBytes: leftBytes, rightBytes: rightBytes,
                                                         problem: "the second's buffer cannot be converted: \(error)"))
                    return
                }
                if leftSamples == rightSamples {
                    result.identical += 1
                    return
                }
                // Both sides were converted to one size of one representation, so the lengths agree.
                result.differences.append(difference(psnr: Self.psnr(leftSamples, rightSamples),
                                                     leftBytes: leftBytes, rightBytes: rightBytes, problem: nil))
            }
            // Both sides walked in pairing order, one buffer (or a tolerance's window) at a time:
            // a merge join, so a long recording is compared in the memory of a short one.
            switch pairing {
            case .sequence:
                let lefts = try first.bufferCursor(streamIDs: [pair.left.id], order: .sequence)
                let rights = try second.bufferCursor(streamIDs: [pair.right.id], order: .sequence)
                var right = try rights.next()
                while let left = try lefts.next() {
                    while let candidate = right, candidate.metadata.sequence < left.metadata.sequence {
                        result.onlyInSecond.append(candidate.metadata.sequence)
                        right = try rights.next()
                    }
                    if let candidate = right, candidate.metadata.sequence == left.metadata.sequence {
                        try compare(left, candidate)
                        right = try rights.next()
                    } else {
                        result.onlyInFirst.append(left.metadata.sequence)
                    }
                }
                while let candidate = right {
                    result.onlyInSecond.append(candidate.metadata.sequence)
                    right = try rights.next()
                }
            case .timestamp:
                let tolerance = max(0, timestampToleranceNanoseconds)
                let lefts = try first.bufferCursor(streamIDs: [pair.left.id], order: .timestamp)
                let rights = try second.bufferCursor(streamIDs: [pair.right.id], order: .timestamp)
                // The second's buffers within the tolerance of the current one, oldest first.
                var window: [IndexedBuffer] = []
                var upcoming = try rights.next()
                while let left = try lefts.next() {
                    let timestamp = left.metadata.timestamp.nanoseconds
                    while let candidate = upcoming,
                          candidate.metadata.timestamp.nanoseconds <= timestamp
                            || candidate.metadata.timestamp.nanoseconds.absoluteDifference(from: timestamp) <= UInt64(tolerance) {
                        window.append(candidate)
                        upcoming = try rights.next()
                    }
                    // Older than the tolerance: nothing later in the first can pair with them.
                    while let oldest = window.first, oldest.metadata.timestamp.nanoseconds < timestamp,
                          oldest.metadata.timestamp.nanoseconds.absoluteDifference(from: timestamp) > UInt64(tolerance) {
                        result.onlyInSecond.append(oldest.metadata.sequence)
                        window.removeFirst()
                    }
                    let nearest = window.indices.min {
                        window[$0].metadata.timestamp.nanoseconds.absoluteDifference(from: timestamp)
                            < window[$1].metadata.timestamp.nanoseconds.absoluteDifference(from: timestamp)
                    }
                    if let nearest {
                        let match = window.remove(at: nearest)
                        try compare(left, match)
                    } else {
                        result.onlyInFirst.append(left.metadata.sequence)
                    }
                }
                result.onlyInSecond += window.map(\.metadata.sequence)
                while let candidate = upcoming {
                    result.onlyInSecond.append(candidate.metadata.sequence)
                    upcoming = try rights.next()
                }
            }
            results.append(result)
        }
        streams = results
    }

    /// PSNR in dB of two equally long byte strings taken as 8-bit samples; infinity when equal.
    public static func psnr(_ left: [UInt8], _ right: [UInt8]) -> Double {
        guard !left.isEmpty else { return .infinity }
        var sum: UInt64 = 0
        left.withUnsafeBufferPointer { a in
            right.withUnsafeBufferPointer { b in
                for index in 0..<min(a.count, b.count) {
                    let difference = Int(a[index]) - Int(b[index])
                    sum &+= UInt64(difference * difference)
                }
            }
        }
        guard sum > 0 else { return .infinity }
        let meanSquaredError = Double(sum) / Double(left.count)
        return 10 * log10(255 * 255 / meanSquaredError)
    }
}
