import CamrecStore
import Foundation

/// One thing `camrec verify` found wrong, named by chunk, offset, stream and sequence where known.
public struct VerificationProblem: Sendable, Equatable, CustomStringConvertible {
    /// What kind of damage.
    public enum Kind: String, Sendable, Codable {
        /// The index lists a chunk whose file is gone.
        case missingChunk = "missing_chunk"
        /// A file in chunks/ that the index does not list.
        case extraChunk = "extra_chunk"
        /// The chunk's size differs from the size the index recorded.
        case chunkSize = "chunk_size"
        /// A plane's bytes fail their zstd frame or checksum.
        case damagedPlane = "damaged_plane"
        /// An index row points past the end of its chunk.
        case pastEnd = "past_end"
        /// An index row points at an offset where the chunk has no plane frame.
        case noPlaneAtOffset = "no_plane_at_offset"
        /// A plane frame in a chunk that no index row points at.
        case unindexedPlane = "unindexed_plane"
        /// The index and the chunk's plane header disagree (checksum, size, stream, sequence).
        case headerMismatch = "header_mismatch"
        /// Bytes at the end of a chunk that are not a complete frame.
        case damagedTail = "damaged_tail"
    }

    public var kind: Kind
    public var chunk: String
    public var offset: Int64?
    public var stream: String?
    public var sequence: Int64?
    public var message: String

    public var description: String {
        var text = "\(kind.rawValue): \(chunk)"
        if let offset { text += " at offset \(offset)" }
        if let stream { text += ", stream \(stream)" }
        if let sequence { text += ", sequence \(sequence)" }
        return text + ": " + message
    }
}

/// What `camrec verify` checked and found.
public struct VerificationReport: Sendable {
    public var chunks: Int
    public var planes: Int
    public var problems: [VerificationProblem]
}

/// Checks a recording end to end (`camrec verify`): every chunk the index lists exists with the
/// recorded size and no others are there; every plane decodes and matches its checksum; every
/// index row points at the plane frame it describes; every plane frame is indexed.
public struct RecordingVerifier {
    public let reader: RecordingReader

    public init(reader: RecordingReader) {
        self.reader = reader
    }

    /// An index row of one plane, with what names it for a person.
    private struct IndexedPlaneRow {
        var offset: Int64
        var compressedSize: Int64
        var rawSize: Int64
        var checksum: String
        var streamID: Int
        var sequence: Int64
        var bufferID: Int64
        var plane: Int
    }

    /// Verifies everything; `progress(chunksDone, chunksTotal)` is called after each chunk.
    public func verify(progress: (Int, Int) -> Void = { _, _ in }) throws(StoreError) -> VerificationReport {
        let database = reader.index.database
        let names = Dictionary(uniqueKeysWithValues: reader.streams.map { ($0.id, $0.name) })
        var chunks: [(id: Int64, name: String, size: Int64)] = []
        let chunkRows = try database.prepare("SELECT id, name, size_bytes FROM chunks ORDER BY id")
        while try chunkRows.step() { chunks.append((chunkRows.int64(0), chunkRows.text(1), chunkRows.int64(2))) }
        let planeRows = try database.prepare("""
            SELECT p.offset, p.stored_size, p.raw_size, p.checksum, b.stream_id, b.sequence, b.id, p.plane
            FROM planes p INDEXED BY planes_by_chunk JOIN buffers b ON b.id = p.buffer_id
            WHERE p.chunk_id = ? ORDER BY p.offset
            """)
        var problems: [VerificationProblem] = []
        var planesChecked = 0
        let chunksFolder = reader.path + "/chunks"
        for (position, chunk) in chunks.enumerated() {
            defer { progress(position + 1, chunks.count) }
            try planeRows.bind([.integer(chunk.id)])
            var rows: [IndexedPlaneRow] = []
            while try planeRows.step() {
                rows.append(IndexedPlaneRow(
                    offset: planeRows.int64(0), compressedSize: planeRows.int64(1), rawSize: planeRows.int64(2),
                    checksum: planeRows.text(3), streamID: Int(planeRows.int64(4)), sequence: planeRows.int64(5),
                    bufferID: planeRows.int64(6), plane: Int(planeRows.int64(7))))
            }
            let path: String
            do {
                path = try RecordingReader.checkedChunkPath(recording: reader.path, name: chunk.name)
            } catch {
                problems.append(VerificationProblem(kind: .missingChunk, chunk: chunk.name, message: "\(error)"))
                continue
            }
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                  let fileSize = (attributes[.size] as? NSNumber)?.int64Value else {
                let streams = Set(rows.map { names[$0.streamID] ?? "\($0.streamID)" }).sorted().joined(separator: ", ")
                let sequences = rows.isEmpty ? "" : ", sequences \(rows.map(\.sequence).min() ?? 0)...\(rows.map(\.sequence).max() ?? 0)"
                problems.append(VerificationProblem(
                    kind: .missingChunk, chunk: chunk.name,
                    message: "the file is missing; \(rows.count) planes (streams \(streams)\(sequences)) are lost"))
                continue
            }
            if fileSize != chunk.size {
                problems.append(VerificationProblem(
                    kind: .chunkSize, chunk: chunk.name, offset: min(fileSize, chunk.size),
                    message: "the index recorded \(chunk.size) bytes, the file has \(fileSize)"
                        + (fileSize < chunk.size ? " (truncated)" : " (bytes were appended)")))
            }
            let items = try ChunkScanner(path: path, chunkID: chunk.id).scan(decode: true)
            var found: [Int64: ChunkScanner.Item] = [:]
            for item in items {
                switch item {
                case let .plane(_, location): found[location.offset] = item
                case let .damagedPlane(_, offset, _): found[offset] = item
                case let .damagedTail(offset, reason):
                    problems.append(VerificationProblem(kind: .damagedTail, chunk: chunk.name, offset: offset, message: reason))
                case .metadata: break
                }
            }
            var indexedOffsets = Set<Int64>()
            for row in rows {
                planesChecked += 1
                indexedOffsets.insert(row.offset)
                let stream = names[row.streamID] ?? "\(row.streamID)"
                func problem(_ kind: VerificationProblem.Kind, _ message: String) {
                    problems.append(VerificationProblem(kind: kind, chunk: chunk.name, offset: row.offset, stream: stream,
                                                        sequence: row.sequence, message: "plane \(row.plane): " + message))
                }
                // Both numbers come from the index: their sum saturates rather than overflows.
                let end = row.offset.saturatingAdding(row.compressedSize)
                if row.offset < 0 || row.compressedSize < 0 || end > fileSize {
                    problem(.pastEnd, "the index row ends at \(end), past the chunk's end at \(fileSize)")
                    continue
                }
                switch found[row.offset] {
                case let .plane(header, location)?:
                    let checksum = checksumHex(header.checksum)
                    if location.compressedLength != row.compressedSize || Int64(header.storedSize) != row.rawSize
                        || UInt64(row.checksum, radix: 16) != header.checksum || header.streamID != row.streamID
                        || Int64(header.sequence) != row.sequence || header.bufferID != row.bufferID {
                        problem(.headerMismatch, "index says \(row.compressedSize) bytes, raw \(row.rawSize), checksum \(row.checksum); "
                                + "the chunk says \(location.compressedLength) bytes, raw \(header.storedSize), checksum \(checksum), "
                                + "stream \(header.streamID), sequence \(header.sequence)")
                    }
                case let .damagedPlane(_, _, reason)?:
                    problem(.damagedPlane, reason)
                default:
                    problem(.noPlaneAtOffset, "the chunk has no plane frame at this offset")
                }
            }
            for item in items {
                if case let .plane(header, location) = item, !indexedOffsets.contains(location.offset) {
                    problems.append(VerificationProblem(
                        kind: .unindexedPlane, chunk: chunk.name, offset: location.offset,
                        stream: names[header.streamID] ?? "\(header.streamID)", sequence: Int64(header.sequence),
                        message: "a complete plane that no index row points at; `camrec recover` re-indexes it"))
                }
            }
        }
        let listed = Set(chunks.map(\.name))
        let present = (try? FileManager.default.contentsOfDirectory(atPath: chunksFolder)) ?? []
        // While a recorder still writes, chunks after the snapshot's last are the open one and those
        // waiting for their sync and commit: not in the index yet, and not a problem.
        let newestListed = chunks.map(\.id).max() ?? 0
        for name in present.sorted() where !listed.contains(name) {
            if reader.activeRecorder != nil, let number = Int64(name.dropLast(4)), name.hasSuffix(".zst"),
               number > newestListed { continue }
            // An empty chunk is what a recorder killed between creating a chunk and its first write
            // leaves (seen in tools/crash-trials): it holds no byte, so nothing can be missing from it.
            let size = (try? FileManager.default.attributesOfItem(atPath: chunksFolder + "/" + name)[.size] as? Int) ?? nil
            if size == 0 { continue }
            problems.append(VerificationProblem(kind: .extraChunk, chunk: name,
                                                message: "the file is in chunks/ but the index does not list it"))
        }
        return VerificationReport(chunks: chunks.count, planes: planesChecked, problems: problems)
    }
}
