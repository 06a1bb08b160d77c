import Foundation
import V4L2Vocabulary

/// Rebuilds a recording's index from its chunks alone (`camrec recover`): every complete,
/// valid plane is indexed again; anything damaged is reported by chunk, offset, stream and
/// sequence. The previous index, if any, is kept beside the new one, never deleted.
public enum Recovery {
    /// Something recover could not keep.
    public struct Loss: Sendable, Equatable, CustomStringConvertible {
        public var chunk: String
        public var offset: Int64
        public var streamName: String?
        public var sequence: UInt32?
        public var reason: String

        public var description: String {
            var text = "\(chunk) at offset \(offset)"
            if let streamName, let sequence { text += " (stream \(streamName), sequence \(sequence))" }
            return text + ": " + reason
        }
    }

    /// What recover did.
    public struct Report: Sendable {
        public var chunks: Int
        public var buffers: Int
        public var notes: Int
        public var losses: [Loss]
        /// Where the index that was there before now lives, if there was one.
        public var previousIndex: String?
    }

    /// A valid plane found in a chunk.
    private struct RecoveredPlane {
        var header: PlaneHeader
        var location: ChunkLocation
    }

    /// A chunk as it will be listed in the rebuilt index.
    private struct RecoveredChunk {
        var id: Int64
        var name: String
        var size: Int64
        var planes: Int
    }

    public static func recover(path: String) throws(StoreError) -> Report {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else { throw .notFound(path: path) }
        let chunksDirectory = path + "/chunks"
        guard isDirectory.boolValue, manager.fileExists(atPath: chunksDirectory, isDirectory: &isDirectory),
              isDirectory.boolValue else {
            throw .notARecording(path: path, reason: "it has no chunks folder, so there is nothing to recover from")
        }
        let names: [String]
        do {
            names = try manager.contentsOfDirectory(atPath: chunksDirectory).filter { $0.hasSuffix(".zst") }.sorted()
        } catch {
            throw .io(operation: "list", path: chunksDirectory, errno: EIO)
        }

        var description: (RecordingInfo, [StreamDescription])?
        var planesByBuffer: [Int64: [RecoveredPlane]] = [:]
        var bufferOrder: [Int64] = []
        var notes: [Int64: RecorderNote] = [:]
        var devices: [Int: DeviceFacts] = [:]
        var controls: [Int64: ControlReading] = [:]
        var mediaGraphs: [Int: MediaGraph] = [:]
        var events: [Int64: RecordingEvent] = [:]
        var chunkRows: [RecoveredChunk] = []
        var losses: [Loss] = []
        var usedChunkIDs = Set<Int64>()

        for (ordinal, name) in names.enumerated() {
            let chunkPath = try RecordingReader.checkedChunkPath(recording: path, name: name)
            // Chunks are numbered from 1 in writing order; the number is the index's chunk id.
            var chunkID = Int64(name.dropLast(4)) ?? Int64(ordinal + 1)
            if usedChunkIDs.contains(chunkID) { chunkID = (usedChunkIDs.max() ?? 0) + 1 }
            usedChunkIDs.insert(chunkID)
            let items = try ChunkScanner(path: chunkPath, chunkID: chunkID).scan(decode: true)
            var planeCount = 0
            for item in items {
                switch item {
                case let .plane(header, location):
                    if planesByBuffer[header.bufferID] == nil { bufferOrder.append(header.bufferID) }
                    planesByBuffer[header.bufferID, default: []].append(RecoveredPlane(header: header, location: location))
                    planeCount += 1
                case let .metadata(record, _):
                    switch record {
                    case let .recording(info, streams):
                        if let (firstInfo, known) = description {
                            // A stream added mid-recording appears in the descriptions of later chunks.
                            // One with a new id but a known name is not the same stream and cannot be
                            // indexed beside it: its buffers become losses (their stream is unknown).
                            let added = streams.filter { stream in
                                !known.contains(where: { $0.id == stream.id || $0.name == stream.name })
                            }
                            if !added.isEmpty { description = (firstInfo, known + added) }
                        } else {
                            description = (info, streams)
                        }
                    case let .note(note):
                        notes[note.id] = note
                    case let .device(facts):
                        devices[facts.streamID] = facts
                    case let .controls(readings):
                        for reading in readings { controls[reading.id] = reading }
                    case let .mediaGraph(graph):
                        mediaGraphs[graph.id] = graph
                    case let .event(event):
                        events[event.id] = event
                    }
                case let .damagedPlane(header, offset, reason):
                    losses.append(Loss(chunk: name, offset: offset, streamName: nil, sequence: header.sequence,
                                       reason: "plane \(header.planeIndex) of stream \(header.streamID): " + reason))
                    planesByBuffer[header.bufferID] = nil
                    losses[losses.count - 1].streamName = String(header.streamID)
                case let .damagedTail(offset, reason):
                    losses.append(Loss(chunk: name, offset: offset, streamName: nil, sequence: nil, reason: reason))
                }
            }
            let size = ((try? manager.attributesOfItem(atPath: chunkPath))?[.size] as? NSNumber)?.int64Value ?? 0
            chunkRows.append(RecoveredChunk(id: chunkID, name: name, size: size, planes: planeCount))
        }
        guard let (info, streams) = description else {
            // Say why, when a description was there but damaged.
            let damaged = losses.first { $0.streamName == nil }.map { " (\($0))" } ?? ""
            throw .notARecording(path: path,
                                 reason: "none of its \(names.count) chunks carries a readable description of the recording\(damaged)")
        }
        // Ids are unique (MetadataRecord refuses a description that repeats one, merging adds only new ones).
        let streamNames = Dictionary(streams.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        for index in losses.indices {
            if let id = losses[index].streamName.flatMap({ Int($0) }) { losses[index].streamName = streamNames[id] }
        }

        // Build the new index beside the old one, then swap.
        let indexPath = path + "/index.sqlite"
        let buildingPath = path + "/index.sqlite.recovering"
        for suffix in ["", "-wal", "-shm", "-journal"] { try? manager.removeItem(atPath: buildingPath + suffix) }
        let index = try RecordingIndex.create(path: buildingPath)
        var buffers = 0
        try index.database.transaction { () throws(StoreError) in
            try index.insertRecording(info, streams: streams)
            for chunk in chunkRows {
                try index.insertChunk(id: chunk.id, name: chunk.name, sizeBytes: chunk.size, planes: chunk.planes)
            }
            for bufferID in bufferOrder.sorted() {
                guard var planes = planesByBuffer[bufferID], let first = planes.first?.header else { continue }
                guard streamNames[first.streamID] != nil else {
                    losses.append(Loss(chunk: "(buffer \(bufferID))", offset: planes.first?.location.offset ?? 0,
                                       streamName: nil, sequence: first.sequence,
                                       reason: "its plane headers name stream \(first.streamID), which no description lists"))
                    continue
                }
                planes.sort { $0.header.planeIndex < $1.header.planeIndex }
                guard planes.count == first.planeCount,
                      planes.enumerated().allSatisfy({ $0.offset == $0.element.header.planeIndex }) else {
                    losses.append(Loss(chunk: "(buffer \(bufferID))", offset: planes.first?.location.offset ?? 0,
                                       streamName: streamNames[first.streamID], sequence: first.sequence,
                                       reason: "only \(planes.count) of its \(first.planeCount) planes survive"))
                    continue
                }
                let metadata = FrameMetadata(status: first.status, sequence: first.sequence, timestamp: first.timestamp,
                                              flags: first.flags, field: first.field, planes: planes.map { $0.header.plane })
                try index.insertBuffer(IndexedBuffer(
                    bufferID: bufferID, requestID: first.requestID, streamID: first.streamID, metadata: metadata,
                    planes: planes.map { plane in
                        IndexedPlane(metadata: plane.header.plane, location: plane.location, storedSize: plane.header.storedSize,
                                     encoding: plane.header.encoding, checksum: plane.header.checksum)
                    }), join: first.requestJoin)
                buffers += 1
            }
            for id in notes.keys.sorted() {
                if let note = notes[id] { try index.insertNote(note) }
            }
            // Chunks written by a camrec before index version 3 carry neither; the tables stay empty then.
            for streamID in devices.keys.sorted() {
                if let facts = devices[streamID], streamNames[streamID] != nil { try index.insertDevice(facts) }
            }
            for id in controls.keys.sorted() {
                if let reading = controls[id], streamNames[reading.streamID] != nil { try index.insertControl(reading) }
            }
            // Chunks written before index version 4 carry no media graphs.
            for id in mediaGraphs.keys.sorted() {
                guard var graph = mediaGraphs[id] else { continue }
                graph.streamIDs = graph.streamIDs.filter { streamNames[$0] != nil }
                try index.insertMediaGraph(graph)
            }
            for id in events.keys.sorted() {
                guard var event = events[id] else { continue }
                if let streamID = event.streamID, streamNames[streamID] == nil { event.streamID = nil }
                try index.insertEvent(event)
            }
            try StreamStatistics.recompute(in: index)
            try RecordingStatistics.recompute(in: index)
        }
        try index.database.execute("PRAGMA journal_mode = DELETE")
        try validate(index: index, expectedBuffers: buffers)

        var previous: String?
        if manager.fileExists(atPath: indexPath) {
            let stamp = Int(Date().timeIntervalSince1970)
            let kept = indexPath + ".before-recover-\(stamp)"
            for suffix in ["", "-wal", "-shm"] where manager.fileExists(atPath: indexPath + suffix) {
                if rename(indexPath + suffix, kept + suffix) != 0 {
                    throw .io(operation: "keep the previous index as", path: kept + suffix, errno: errno)
                }
            }
            previous = kept
        }
        if rename(buildingPath, indexPath) != 0 {
            throw .io(operation: "move the rebuilt index to", path: indexPath, errno: errno)
        }
        try syncDirectory(path)
        return Report(chunks: chunkRows.count, buffers: buffers, notes: notes.count, losses: losses, previousIndex: previous)
    }

    /// Checks what was rebuilt: every buffer has its planes, every plane points inside a listed chunk.
    private static func validate(index: RecordingIndex, expectedBuffers: Int) throws(StoreError) {
        let database = index.database
        let count = try database.scalar("SELECT COUNT(*) FROM buffers")
        let incomplete = try database.scalar(
            "SELECT COUNT(*) FROM buffers b WHERE plane_count != (SELECT COUNT(*) FROM planes p WHERE p.buffer_id = b.id)")
        let outside = try database.scalar("""
            SELECT COUNT(*) FROM planes p LEFT JOIN chunks c ON c.id = p.chunk_id
            WHERE c.id IS NULL OR p.offset + p.stored_size > c.size_bytes
            """)
        guard count == expectedBuffers, incomplete == 0, outside == 0 else {
            throw .corrupt(path: index.path, offset: 0,
                           reason: "the rebuilt index does not check out (\(count) of \(expectedBuffers) buffers, "
                               + "\(incomplete) incomplete, \(outside) planes outside their chunk)")
        }
    }
}
