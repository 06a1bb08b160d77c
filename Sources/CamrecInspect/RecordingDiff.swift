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
            let leftBuffers = try first.buffers(streamID: pair.left.id)
            let rightBuffers = try second.buffers(streamID: pair.right.id)
            let conversion = basis == .bytes ? nil
                : "\(pair.left.layoutSummary) (first) and \(pair.right.layoutSummary) (second) converted to \(basis.name)"
                    + (basis == .yuv420p ? ", a lossless re-layout" : "")
            var result = StreamResult(stream: pair.left.name, otherStream: pair.right.name, comparedAs: basis,
                                      firstFormat: pair.left.layoutSummary, secondFormat: pair.right.layoutSummary,
                                      conversion: conversion, paired: 0, identical: 0,
                                      differences: [], onlyInFirst: [], onlyInSecond: [], minimumPSNR: nil)
            var matches: [(IndexedBuffer, IndexedBuffer)] = []
            switch pairing {
            case .sequence:
                var bySequence: [UInt32: IndexedBuffer] = [:]
                for buffer in rightBuffers where bySequence[buffer.metadata.sequence] == nil {
                    bySequence[buffer.metadata.sequence] = buffer
                }
                var used = Set<UInt32>()
                for buffer in leftBuffers {
                    if let match = bySequence[buffer.metadata.sequence], !used.contains(buffer.metadata.sequence) {
                        matches.append((buffer, match))
                        used.insert(buffer.metadata.sequence)
                    } else {
                        result.onlyInFirst.append(buffer.metadata.sequence)
                    }
                }
                result.onlyInSecond = rightBuffers.map(\.metadata.sequence).filter { !used.contains($0) }
            case .timestamp:
                let sorted = rightBuffers.sorted { $0.metadata.timestamp.nanoseconds < $1.metadata.timestamp.nanoseconds }
                var used = Set<Int64>()
                for buffer in leftBuffers {
                    let timestamp = buffer.metadata.timestamp.nanoseconds
                    let nearest = Self.nearest(to: timestamp, in: sorted)
                    if let nearest,
                       nearest.metadata.timestamp.nanoseconds.absoluteDifference(from: timestamp) <= UInt64(max(0, timestampToleranceNanoseconds)),
                       !used.contains(nearest.bufferID) {
                        matches.append((buffer, nearest))
                        used.insert(nearest.bufferID)
                    } else {
                        result.onlyInFirst.append(buffer.metadata.sequence)
                    }
                }
                result.onlyInSecond = sorted.filter { !used.contains($0.bufferID) }.map(\.metadata.sequence)
            }
            for (left, right) in matches {
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
                        continue
                    }
                    let leftBytes = try first.readBuffer(left)
                    let rightBytes = try second.readBuffer(right)
                    if leftBytes == rightBytes {
                        result.identical += 1
                        continue
                    }
                    let problem: String? = if leftBytes.count != rightBytes.count {
                        "sizes differ (\(leftBytes.count) vs \(rightBytes.count) bytes)"
                    } else if pair.left.format.fourcc.isCompressed {
                        // Equal lengths of two compressed bitstreams say nothing about their pictures.
                        "\(pair.left.format.fourcc) is compressed: a PSNR of its bytes would mean nothing"
                    } else {
                        nil
                    }
                    result.differences.append(difference(psnr: problem == nil ? Self.psnr(leftBytes, rightBytes) : nil,
                                                         leftBytes: leftBytes.count, rightBytes: rightBytes.count,
                                                         problem: problem))
                    continue
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
                    continue
                }
                do {
                    rightSamples = try basis.samples(planes: rightPlanes, format: pair.right.format)
                } catch {
                    result.differences.append(difference(psnr: nil, leftBytes: leftBytes, rightBytes: rightBytes,
                                                         problem: "the second's buffer cannot be converted: \(error)"))
                    continue
                }
                if leftSamples == rightSamples {
                    result.identical += 1
                    continue
                }
                // Both sides were converted to one size of one representation, so the lengths agree.
                result.differences.append(difference(psnr: Self.psnr(leftSamples, rightSamples),
                                                     leftBytes: leftBytes, rightBytes: rightBytes, problem: nil))
            }
            results.append(result)
        }
        streams = results
    }

    private static func nearest(to timestamp: Int64, in sorted: [IndexedBuffer]) -> IndexedBuffer? {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle].metadata.timestamp.nanoseconds < timestamp { low = middle + 1 } else { high = middle }
        }
        let candidates = [low - 1, low].filter { $0 >= 0 && $0 < sorted.count }.map { sorted[$0] }
        return candidates.min {
            $0.metadata.timestamp.nanoseconds.absoluteDifference(from: timestamp)
                < $1.metadata.timestamp.nanoseconds.absoluteDifference(from: timestamp)
        }
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
