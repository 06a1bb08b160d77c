import Foundation

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

    /// How this connection keeps the WAL's index: shared memory, or (on a file system without
    /// it) the heap of this connection, in exclusive locking mode.
    public let walIndex: WALIndexMemory

    /// Creates a new index file with the current schema, in WAL mode. With `walIndex` nil, the
    /// file system decides: shared memory where it works, else exclusive locking mode (9p, NFS),
    /// tried on the very first transaction, before anything is recorded.
    public static func create(path: String, walIndex: WALIndexMemory? = nil) throws(StoreError) -> RecordingIndex {
        do {
            return try create(path: path, exactly: walIndex ?? .sharedMemory)
        } catch let failure {
            guard case .sharedMemoryUnavailable = failure, walIndex == nil else { throw failure.storeError }
            // Nothing but the empty schema attempt is in these files: start the index again.
            for suffix in ["", "-wal", "-shm", "-journal"] { unlink(path + suffix) }
        }
        do {
            return try create(path: path, exactly: .exclusiveHeap)
        } catch {
            throw error.storeError
        }
    }

    private enum CreateFailure: Error {
        /// The first transaction failed the way a file system without shared memory fails it.
        case sharedMemoryUnavailable(StoreError)
        case failed(StoreError)

        var storeError: StoreError {
            switch self {
            case let .failed(error), let .sharedMemoryUnavailable(error): error
            }
        }
    }

    private static func create(path: String, exactly walIndex: WALIndexMemory) throws(CreateFailure) -> RecordingIndex {
        let database: SQLiteDatabase
        do {
            database = try SQLiteDatabase(path: path, mode: .create)
            try configureForWriting(database, walIndex: walIndex)
            try database.execute("PRAGMA journal_mode = WAL")
        } catch {
            throw .failed(error)
        }
        do {
            try database.transaction { () throws(StoreError) in
                for migration in IndexSchema.migrations {
                    try database.execute(migration.sql)
                }
                try database.execute("PRAGMA user_version = \(IndexSchema.currentVersion)")
            }
        } catch {
            // The first transaction is where SQLite maps the `-shm` wal-index.
            if walIndex == .sharedMemory && WALIndexMemory.isSharedMemoryFailure(extendedCode: database.lastExtendedErrorCode) {
                database.close()
                throw .sharedMemoryUnavailable(error)
            }
            throw .failed(error)
        }
        return RecordingIndex(database: database, walIndex: walIndex)
    }

    /// Settings of a connection that writes: set before its first read, because the locking mode
    /// decides whether SQLite ever asks for shared memory.
    private static func configureForWriting(_ database: SQLiteDatabase, walIndex: WALIndexMemory) throws(StoreError) {
        if walIndex == .exclusiveHeap { try database.execute("PRAGMA locking_mode = EXCLUSIVE") }
        try database.execute("PRAGMA synchronous = FULL")
        try database.execute("PRAGMA foreign_keys = ON")
    }

    /// Opens the index a `RecordingWriter` made again (after its folder moved), to go on
    /// appending, with the same kind of wal-index it was created with.
    static func reopenForWriting(path: String, walIndex: WALIndexMemory) throws(StoreError) -> RecordingIndex {
        let database = try SQLiteDatabase(path: path, mode: .readWrite)
        try configureForWriting(database, walIndex: walIndex)
        _ = try database.userVersion()
        return RecordingIndex(database: database, walIndex: walIndex)
    }

    /// Opens an existing index, refusing one written by a newer camrec. `readOnly` opens it
    /// with SQLITE_OPEN_READONLY; an index a recorder left in WAL mode (it was killed, or is
    /// still recording) on a file system without shared memory is opened the one way SQLite
    /// can read it there (`SQLiteDatabase.Mode.readWithoutSharedMemory`), still without writing;
    /// so is one whose log a read-only connection cannot replay (SQLITE_READONLY_RECOVERY).
    /// `walIndex` forces one way (tests); nil lets the file system decide.
    public static func open(path: String, readOnly: Bool, walIndex: WALIndexMemory? = nil) throws(StoreError) -> RecordingIndex {
        let preferred = walIndex ?? .sharedMemory
        let mode: SQLiteDatabase.Mode = switch (readOnly, preferred) {
        case (true, .sharedMemory): .readOnly
        case (true, .exclusiveHeap): .readWithoutSharedMemory
        case (false, _): .readWrite
        }
        let sharedMemoryFileExisted = access(path + "-shm", F_OK) == 0
        let database = try SQLiteDatabase(path: path, mode: mode)
        if !readOnly { try configureForWriting(database, walIndex: preferred) }
        let version: Int
        do {
            version = try database.userVersion()
        } catch {
            // Also SQLITE_READONLY_RECOVERY / _CANTINIT: a recorder killed mid-transaction leaves a
            // log only a connection that may write can replay (seen in tools/crash-trials); the
            // exclusive connection replays it in its heap, without writing. And SQLITE_READONLY_ROLLBACK:
            // killed while `journal_mode = DELETE` rewrote the header at close, it leaves a hot
            // rollback journal, which that connection rolls back (what any SQLite open must do
            // first; it restores the index as it was before that last step).
            let code = database.lastExtendedErrorCode
            let leftBehind = access(path + "-wal", F_OK) == 0 || access(path + "-journal", F_OK) == 0
            if readOnly, walIndex == nil, leftBehind,
               WALIndexMemory.isSharedMemoryFailure(extendedCode: code) || code & 0xff == 8 /* SQLITE_READONLY */ {
                database.close()
                // The failed attempt may have created an empty `-shm` it could not map: a reader leaves no trace.
                if !sharedMemoryFileExisted { unlink(path + "-shm") }
                return try openWithoutSharedMemory(path: path)
            }
            throw .notARecording(path: path, reason: "index.sqlite is not an SQLite database (\(error))")
        }
        return try checkedIndex(database: database, path: path, version: version, readOnly: readOnly, walIndex: preferred)
    }

    private static func openWithoutSharedMemory(path: String) throws(StoreError) -> RecordingIndex {
        let version: Int
        let database: SQLiteDatabase
        do {
            database = try SQLiteDatabase(path: path, mode: .readWithoutSharedMemory)
            version = try database.userVersion()
        } catch {
            throw .notARecording(path: path, reason: """
                its index is still in SQLite's WAL mode (its recorder was killed, or is still recording) on a file \
                system without shared memory (NFS, SMB, 9p), where SQLite can read it only through a connection that \
                may write, and that failed (\(error)). If it is still being recorded, wait for the recorder to stop; \
                else run `camrec recover` on it as a user who can write the folder, or copy it to a local disk
                """)
        }
        return try checkedIndex(database: database, path: path, version: version, readOnly: true, walIndex: .exclusiveHeap)
    }

    private static func checkedIndex(database: SQLiteDatabase, path: String, version: Int, readOnly: Bool,
                                     walIndex: WALIndexMemory) throws(StoreError) -> RecordingIndex {
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
            return RecordingIndex(database: database, walIndex: walIndex)
        }
        return RecordingIndex(database: database, walIndex: walIndex, schemaVersion: version)
    }

    /// Closes the connection at once (the writer does, before it moves the recording's folder).
    func close() {
        insertBuffer = nil
        insertPlane = nil
        insertRequest = nil
        updateRequestRule = nil
        database.close()
    }

    init(database: SQLiteDatabase, walIndex: WALIndexMemory = .sharedMemory, schemaVersion: Int = IndexSchema.currentVersion) {
        self.schemaVersion = schemaVersion
        self.database = database
        self.walIndex = walIndex
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
                .integer(Int64(format.bufferType.rawValue)), .text(format.pixelFormat.description),
                .integer(Int64(format.pixelFormat.rawValue)),
                .integer(Int64(format.width)), .integer(Int64(format.height)),
                .integer(Int64(format.field.rawValue)), .integer(Int64(format.colorspace)),
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
            .integer(Int64(metadata.flags.rawValue)), .integer(Int64(metadata.field.rawValue)), .integer(Int64(metadata.planes.count)),
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
