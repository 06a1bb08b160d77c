/// The SQLite index of a recording (`index.sqlite`): creates the schema, inserts rows in
/// batches and answers the queries the store needs. Every statement binds its arguments.
public final class RecordingIndex {
    public let database: SQLiteDatabase
    public var path: String { database.path }
    /// The schema version the index has (`PRAGMA user_version`): `IndexSchema.currentVersion`
    /// unless an older index was opened read-only, which is read as it is, never changed.
    public let schemaVersion: Int

    private var insertBuffer: SQLiteStatement?
    private var insertPlane: SQLiteStatement?
    private var insertRequest: SQLiteStatement?
    private var updateRequestRule: SQLiteStatement?

    /// Creates a new index file with the current schema.
    public static func create(path: String) throws(StoreError) -> RecordingIndex {
        let database = try SQLiteDatabase(path: path, mode: .create)
        try database.execute("PRAGMA journal_mode = WAL")
        try database.execute("PRAGMA synchronous = FULL")
        try database.execute("PRAGMA foreign_keys = ON")
        try database.transaction { () throws(StoreError) in
            for migration in IndexSchema.migrations {
                try database.execute(migration.sql)
            }
            try database.execute("PRAGMA user_version = \(IndexSchema.currentVersion)")
        }
        return RecordingIndex(database: database, schemaVersion: IndexSchema.currentVersion)
    }

    /// Opens an existing index, refusing one written by a newer camrec (naming both versions).
    /// `readOnly` opens it with SQLITE_OPEN_READONLY and leaves an older schema as it is (readers
    /// read it with the defaults of what it lacks, see `schemaVersion`); otherwise an older schema
    /// is migrated to the current one in one transaction, each `IndexSchema.migrations` step after
    /// its version applied once, in order.
    public static func open(path: String, readOnly: Bool) throws(StoreError) -> RecordingIndex {
        let database = try SQLiteDatabase(path: path, mode: readOnly ? .readOnly : .readWrite)
        let version: Int
        do {
            version = try database.userVersion()
        } catch {
            throw .notARecording(path: path, reason: "index.sqlite is not an SQLite database (\(error))")
        }
        if version > IndexSchema.currentVersion {
            throw .newerSchema(path: path, found: version, supported: IndexSchema.currentVersion)
        }
        if version < 1 {
            throw .notARecording(path: path, reason: "index.sqlite has no camrec schema (user_version \(version))")
        }
        if version < IndexSchema.currentVersion && !readOnly {
            try database.transaction { () throws(StoreError) in
                for migration in IndexSchema.migrations where migration.version > version {
                    try database.execute(migration.sql)
                }
                try database.execute("PRAGMA user_version = \(IndexSchema.currentVersion)")
            }
            return RecordingIndex(database: database, schemaVersion: IndexSchema.currentVersion)
        }
        return RecordingIndex(database: database, schemaVersion: version)
    }

    init(database: SQLiteDatabase, schemaVersion: Int) {
        self.database = database
        self.schemaVersion = schemaVersion
    }

    // MARK: Writing

    public func insertRecording(_ info: RecordingInfo, streams: [StreamDescription]) throws(StoreError) {
        let recording = try database.prepare("""
            INSERT INTO recording (id, format_version, camrec_version, host, command_line, start_wall_ns,
                start_monotonic_ns, source, source_recording, source_device, request_tolerance_ns)
            VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try recording.run([
            .integer(Int64(info.formatVersion)), .text(info.camrecVersion), .text(info.host), .text(info.commandLine),
            .integer(info.startWallNanoseconds), .integer(info.startMonotonicNanoseconds), .text(info.source),
            info.sourceRecording.map { .text($0) } ?? .null, info.sourceDevice.map { .text($0) } ?? .null,
            .integer(info.requestToleranceNanoseconds),
        ])
        try insertStreams(streams)
    }

    /// Adds streams to the recording (at its start, or one a device announced mid-recording,
    /// such as a decoder's new resolution).
    public func insertStreams(_ streams: [StreamDescription]) throws(StoreError) {
        let stream = try database.prepare("""
            INSERT INTO streams (id, name, kind, buffer_type, fourcc, fourcc_code, width, height, field, colorspace,
                ycbcr_enc, quantization, xfer_func, format_flags, device_path, driver, card, bus_info)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let plane = try database.prepare(
            "INSERT INTO stream_planes (stream_id, plane, bytesperline, sizeimage) VALUES (?, ?, ?, ?)")
        for description in streams {
            let format = description.format
            try stream.run([
                .integer(Int64(description.id)), .text(description.name), .text(description.kind.rawValue),
                .integer(Int64(format.bufferType)), .text(format.fourcc.description), .integer(Int64(format.fourcc.rawValue)),
                .integer(Int64(format.width)), .integer(Int64(format.height)),
                .integer(Int64(format.field)), .integer(Int64(format.colorspace)),
                .integer(Int64(format.ycbcrEncoding)), .integer(Int64(format.quantization)),
                .integer(Int64(format.transferFunction)), .integer(Int64(format.flags)),
                description.device.map { .text($0.path) } ?? .null,
                description.device.map { .text($0.driver) } ?? .null,
                description.device.map { .text($0.card) } ?? .null,
                description.device.map { .text($0.busInfo) } ?? .null,
            ])
            for (index, layout) in format.planes.enumerated() {
                try plane.run([.integer(Int64(description.id)), .integer(Int64(index)),
                               .integer(Int64(layout.bytesPerLine)), .integer(Int64(layout.sizeImage))])
            }
        }
    }

    public func insertChunk(id: Int64, name: String, sizeBytes: Int64, planes: Int) throws(StoreError) {
        try database.prepare("INSERT INTO chunks (id, name, size_bytes, planes) VALUES (?, ?, ?, ?)")
            .run([.integer(id), .text(name), .integer(sizeBytes), .integer(Int64(planes))])
    }

    /// Inserts a buffer and its planes; opens its request or records how it joined one.
    public func insertBuffer(_ buffer: IndexedBuffer, join: RequestJoin) throws(StoreError) {
        if insertBuffer == nil {
            insertBuffer = try database.prepare("""
                INSERT INTO buffers (id, stream_id, request_id, status, sequence, timestamp_ns, clock, flags, field,
                    plane_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            insertPlane = try database.prepare("""
                INSERT INTO planes (buffer_id, plane, bytesused, data_offset, length, chunk_id, offset, stored_size,
                    raw_size, encoding, checksum) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            insertRequest = try database.prepare(
                "INSERT OR IGNORE INTO requests (id, rule, timestamp_ns) VALUES (?, 'single', ?)")
            updateRequestRule = try database.prepare("UPDATE requests SET rule = ? WHERE id = ? AND rule = 'single'")
        }
        guard let insertBuffer, let insertPlane, let insertRequest, let updateRequestRule else { return }
        let metadata = buffer.metadata
        try insertRequest.run([.integer(buffer.requestID), .integer(metadata.timestamp.nanoseconds)])
        if join != .opened {
            try updateRequestRule.run([.text(join.ruleName), .integer(buffer.requestID)])
        }
        try insertBuffer.run([
            .integer(buffer.bufferID), .integer(Int64(buffer.streamID)), .integer(buffer.requestID),
            .text(metadata.status.rawValue), .integer(Int64(metadata.sequence)),
            .integer(metadata.timestamp.nanoseconds), .text(metadata.timestamp.clock.rawValue),
            .integer(Int64(metadata.flags)), .integer(Int64(metadata.field)), .integer(Int64(metadata.planes.count)),
        ])
        for (index, plane) in buffer.planes.enumerated() {
            try insertPlane.run([
                .integer(buffer.bufferID), .integer(Int64(index)),
                .integer(Int64(plane.metadata.bytesUsed)), .integer(Int64(plane.metadata.dataOffset)),
                .integer(Int64(plane.metadata.length)),
                .integer(plane.location.chunkID), .integer(plane.location.offset),
                .integer(plane.location.compressedLength), .integer(Int64(plane.storedSize)),
                .text(plane.encoding.name), .text(checksumHex(plane.checksum)),
            ])
        }
    }

    public func insertNote(_ note: RecorderNote) throws(StoreError) {
        try database.prepare("""
            INSERT INTO notes (id, kind, wall_ns, stream_id, sequence, message) VALUES (?, ?, ?, ?, ?, ?)
            """).run([
                .integer(note.id), .text(note.kind.rawValue), .integer(note.wallNanoseconds),
                note.streamID.map { .integer(Int64($0)) } ?? .null,
                note.sequence.map { .integer(Int64($0)) } ?? .null, .text(note.message),
            ])
    }
}
