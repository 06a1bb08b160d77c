import Foundation
import V4L2Vocabulary

/// Opens a recording folder for reading: its description, its streams, its buffers and the
/// bytes of any plane (decompressed and checked against the recorded checksum).
public final class RecordingReader {
    public let path: String
    public let index: RecordingIndex
    public let info: RecordingInfo
    public let streams: [StreamDescription]
    private var chunkNames: [Int64: String] = [:]
    /// The chunk read last. Buffers are read in recording order, so chunks are too; keeping one
    /// open (not all) holds a long recording of thousands of chunks under the descriptor limit.
    private var openChunk: ChunkFileReader?
    private var openChunkID: Int64?
    private let decoder: PlaneDecoder
    /// The process id of the recorder still writing this recording (`recorder.pid` is locked), or
    /// nil when it is closed. While it is open, the reader holds one read transaction for its whole
    /// life: every query sees the same snapshot of what was committed when it opened (SQLite's WAL
    /// lets the recorder go on committing meanwhile, never waiting for the reader).
    public let activeRecorder: Int32?

    /// Opens `path` read-only. Clear errors for a missing path, a folder that is not a recording
    /// and an index from a newer camrec.
    public init(path: String) throws(StoreError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .notFound(path: path)
        }
        guard isDirectory.boolValue else {
            throw .notARecording(path: path, reason: "it is a file, not a recording folder")
        }
        let indexPath = path + "/index.sqlite"
        guard FileManager.default.fileExists(atPath: indexPath) else {
            let reason = FileManager.default.fileExists(atPath: path + "/chunks")
                ? "it has chunks but no index.sqlite; run `camrec recover \(path)` to rebuild the index"
                : "it has no index.sqlite"
            throw .notARecording(path: path, reason: reason)
        }
        let index = try RecordingIndex.open(path: indexPath, readOnly: true)
        self.index = index
        self.path = path
        activeRecorder = RecorderLock.activeRecorder(of: path)
        // The snapshot starts at the first read after BEGIN (the description, just below).
        if activeRecorder != nil { try index.database.execute("BEGIN DEFERRED") }
        (info, streams) = try Self.loadDescription(index: index, path: path)
        decoder = try PlaneDecoder()
        let chunks = try index.database.prepare("SELECT id, name FROM chunks")
        while try chunks.step() {
            chunkNames[chunks.int64(0)] = chunks.text(1)
        }
    }

    private static func loadDescription(index: RecordingIndex, path: String) throws(StoreError)
        -> (RecordingInfo, [StreamDescription]) {
        let database = index.database
        let recording = try database.prepare("""
            SELECT format_version, camrec_version, host, command_line, start_wall_ns, start_monotonic_ns, source,
                source_recording, source_device, request_tolerance_ns FROM recording WHERE id = 1
            """)
        guard try recording.step() else {
            throw .notARecording(path: path, reason: "its index has no recording row; run `camrec recover \(path)`")
        }
        let info = RecordingInfo(
            formatVersion: Int(recording.int64(0)), camrecVersion: recording.text(1), host: recording.text(2),
            commandLine: recording.text(3), startWallNanoseconds: recording.int64(4),
            startMonotonicNanoseconds: recording.int64(5), source: recording.text(6),
            sourceRecording: recording.optionalText(7), sourceDevice: recording.optionalText(8),
            requestToleranceNanoseconds: recording.int64(9))
        let planes = try database.prepare(
            "SELECT bytesperline, sizeimage FROM stream_planes WHERE stream_id = ? ORDER BY plane")
        // A version 1 index (opened read-only, so not migrated) has no code column and no
        // colorimetry beyond the colorspace: its code comes from the text, the rest reads as 0
        // (each enum's DEFAULT), as the migration to version 2 would set them.
        let full = index.schemaVersion >= 2
        let rows = try database.prepare(full ? """
            SELECT id, name, kind, buffer_type, fourcc, width, height, field, colorspace, device_path, driver, card, bus_info,
                fourcc_code, ycbcr_enc, quantization, xfer_func, format_flags
            FROM streams ORDER BY id
            """ : """
            SELECT id, name, kind, buffer_type, fourcc, width, height, field, colorspace, device_path, driver, card, bus_info
            FROM streams ORDER BY id
            """)
        var streams: [StreamDescription] = []
        // The table's keys make ids and names unique, but a damaged file can still return one twice,
        // and every reader keys its streams by id.
        var seenIDs = Set<Int>()
        var seenNames = Set<String>()
        while try rows.step() {
            let id = Int(rows.int64(0))
            guard seenIDs.insert(id).inserted, seenNames.insert(rows.text(1)).inserted else {
                throw .corrupt(path: path + "/index.sqlite", offset: 0,
                               reason: "the streams table lists stream \(id) '\(rows.text(1))' twice (the index is damaged; "
                                   + "`camrec recover` rebuilds it from the chunks)")
            }
            try planes.bind([.integer(Int64(id))])
            var layouts: [PlaneLayout] = []
            while try planes.step() {
                layouts.append(PlaneLayout(bytesPerLine: UInt32(clamping: planes.int64(0)),
                                           sizeImage: UInt32(clamping: planes.int64(1))))
            }
            let fourcc: PixelFormat?
            if full {
                fourcc = UInt32(exactly: rows.int64(13)).map { PixelFormat(rawValue: $0) }
            } else {
                fourcc = PixelFormat(rows.text(4))
            }
            guard let kind = StreamKind(rawValue: rows.text(2)), let fourcc else {
                throw .corrupt(path: path + "/index.sqlite", offset: 0, reason: "stream \(id) has an unknown kind or fourcc")
            }
            guard let bufferType = UInt32(exactly: rows.int64(3)).flatMap(BufferType.init(rawValue:)) else {
                throw .corrupt(path: path + "/index.sqlite", offset: 0,
                               reason: "stream \(id) has buffer type \(rows.int64(3)), which is no V4L2 buffer type camrec records")
            }
            let device = rows.optionalText(9).map {
                DeviceIdentity(path: $0, driver: rows.text(10), card: rows.text(11), busInfo: rows.text(12))
            }
            streams.append(StreamDescription(
                id: id, name: rows.text(1), kind: kind,
                format: VideoFormat(bufferType: bufferType, pixelFormat: fourcc,
                                     width: UInt32(clamping: rows.int64(5)), height: UInt32(clamping: rows.int64(6)),
                                     field: Field(rawValue: UInt32(clamping: rows.int64(7))), colorspace: UInt32(clamping: rows.int64(8)),
                                     ycbcrEncoding: full ? UInt32(clamping: rows.int64(14)) : 0,
                                     quantization: full ? UInt32(clamping: rows.int64(15)) : 0,
                                     transferFunction: full ? UInt32(clamping: rows.int64(16)) : 0,
                                     flags: full ? UInt32(clamping: rows.int64(17)) : 0,
                                     planes: layouts),
                device: device))
        }
        return (info, streams)
    }

    /// The stream with this name or number.
    public func stream(named name: String) -> StreamDescription? {
        streams.first { $0.name == name } ?? Int(name).flatMap { id in streams.first { $0.id == id } }
    }

    /// Buffers of one stream in recording order, with their plane locations.
    public func buffers(streamID: Int, where condition: BufferCondition = .all) throws(StoreError) -> [IndexedBuffer] {
        try buffers(streamIDs: [streamID], where: condition)
    }

    /// Buffers in recording order, of the given streams (every stream when nil), with their plane
    /// locations. The selection is made in SQL, so only what is asked for is loaded; for long
    /// recordings walk them with `bufferCursor` instead, which holds one buffer at a time.
    public func buffers(streamIDs: [Int]? = nil, where condition: BufferCondition = .all) throws(StoreError) -> [IndexedBuffer] {
        let cursor = try bufferCursor(streamIDs: streamIDs, where: condition)
        var result: [IndexedBuffer] = []
        while let buffer = try cursor.next() { result.append(buffer) }
        return result
    }

    /// A cursor over the buffers of the given streams (every stream when nil) in `order`.
    public func bufferCursor(streamIDs: [Int]? = nil, where condition: BufferCondition = .all,
                             order: BufferOrder = .recording) throws(StoreError) -> BufferCursor {
        var sql = """
            SELECT b.id, b.request_id, b.stream_id, b.status, b.sequence, b.timestamp_ns, b.clock, b.flags, b.field,
                   p.plane, p.bytesused, p.data_offset, p.length, p.chunk_id, p.offset, p.stored_size, p.raw_size,
                   p.encoding, p.checksum
            FROM buffers b LEFT JOIN planes p ON p.buffer_id = b.id
            WHERE 1
            """
        var arguments: [SQLiteValue] = []
        if let streamIDs {
            sql += " AND b.stream_id IN (" + streamIDs.map { _ in "?" }.joined(separator: ", ") + ")"
            arguments += streamIDs.map { .integer(Int64($0)) }
        }
        switch condition {
        case .all: break
        case let .sequence(sequence):
            sql += " AND b.sequence = ?"
            arguments.append(.integer(Int64(sequence)))
        case let .bufferID(id):
            sql += " AND b.id = ?"
            arguments.append(.integer(id))
        }
        switch order {
        case .recording: sql += " ORDER BY b.id, p.plane"
        case .sequence: sql += " ORDER BY b.sequence, b.id, p.plane"
        case .timestamp: sql += " ORDER BY b.timestamp_ns, b.id, p.plane"
        case .request: sql += " ORDER BY b.request_id, b.id, p.plane"
        }
        let statement = try index.database.prepare(sql)
        try statement.bind(arguments)
        return BufferCursor(statement: statement, indexPath: index.path)
    }

    /// How many buffers the given streams have (every stream when nil), for progress.
    public func bufferCount(streamIDs: [Int]? = nil) throws(StoreError) -> Int {
        var sql = "SELECT COUNT(*) FROM buffers"
        var arguments: [SQLiteValue] = []
        if let streamIDs {
            sql += " WHERE stream_id IN (" + streamIDs.map { _ in "?" }.joined(separator: ", ") + ")"
            arguments = streamIDs.map { .integer(Int64($0)) }
        }
        let statement = try index.database.prepare(sql)
        try statement.bind(arguments)
        guard try statement.step() else { return 0 }
        return Int(clamping: statement.int64(0))
    }

    /// The stored bytes of one plane, decompressed and verified.
    public func readPlane(_ plane: IndexedPlane) throws(StoreError) -> [UInt8] {
        let chunk = try chunkReader(plane.location.chunkID)
        // Sizes come from the index: check them before allocating anything from them.
        guard plane.location.compressedLength >= 0, plane.location.compressedLength <= chunk.size,
              Int64(plane.storedSize) <= 1 << 32 else {
            throw .corrupt(path: chunk.path, offset: plane.location.offset,
                           reason: "the index gives a frame of \(plane.location.compressedLength) bytes in a chunk of \(chunk.size)")
        }
        let frame = try chunk.read(at: plane.location.offset, count: Int(plane.location.compressedLength))
        let result: Result<[UInt8], StoreError> = frame.withUnsafeBytes { bytes in
            Result { () throws(StoreError) in
                try decoder.decode(bytes, storedSize: Int(plane.storedSize), checksum: plane.checksum,
                                   path: chunk.path, offset: plane.location.offset)
            }
        }
        return try result.get()
    }

    /// Every plane of a buffer, concatenated in plane order: the exact bytes recorded.
    public func readBuffer(_ buffer: IndexedBuffer) throws(StoreError) -> [UInt8] {
        var bytes: [UInt8] = []
        for plane in buffer.planes {
            bytes.append(contentsOf: try readPlane(plane))
        }
        return bytes
    }

    /// The chunk file names the index knows, by chunk id.
    public var chunks: [Int64: String] { chunkNames }

    /// The absolute path of a chunk, refusing any name that would leave the recording's chunks folder.
    public func chunkPath(_ chunkID: Int64) throws(StoreError) -> String {
        guard let name = chunkNames[chunkID] else {
            throw .corrupt(path: index.path, offset: 0, reason: "a plane points to chunk \(chunkID), which the index does not list")
        }
        return try Self.checkedChunkPath(recording: path, name: name)
    }

    /// `recording/chunks/name`, after checking that `name` is a plain file name.
    public static func checkedChunkPath(recording: String, name: String) throws(StoreError) -> String {
        guard !name.isEmpty, !name.contains("/"), name != ".", name != "..", !name.contains("\0") else {
            throw .invalid(path: recording, reason: "the index names chunk '\(name)', which is not a plain file name; "
                           + "refusing to open it")
        }
        return recording + "/chunks/" + name
    }

    private func chunkReader(_ chunkID: Int64) throws(StoreError) -> ChunkFileReader {
        if let openChunk, openChunkID == chunkID { return openChunk }
        let reader = try ChunkFileReader(path: try chunkPath(chunkID))
        openChunk = reader
        openChunkID = chunkID
        return reader
    }
}

/// Which buffers `RecordingReader.buffers` returns.
public enum BufferCondition: Sendable {
    case all
    case sequence(UInt32)
    case bufferID(Int64)
}
