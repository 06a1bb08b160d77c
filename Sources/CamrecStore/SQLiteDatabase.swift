import CSQLite

/// A small wrapper over the SQLite C API: open, execute, prepared statements with bound
/// arguments (never interpolated), errors that carry the SQL and the file. camrec uses the C API
/// directly rather than GRDB because index inserts were measured ~2.8x faster through it
/// (see the README's design notes), and the recorder and `recover` insert millions of rows.
public final class SQLiteDatabase {
    let handle: OpaquePointer
    public let path: String

    /// How to open the database file.
    public enum Mode: Sendable {
        case readOnly
        case readWrite
        /// Creates the file; fails if it exists.
        case create
        /// Reads a WAL database on a file system without shared memory (9p, NFS, SMB), where a
        /// plain read-only connection fails with "disk I/O error": SQLite cannot map the `-shm`
        /// wal-index there, and in exclusive locking mode (no `-shm`) it rebuilds the wal-index in
        /// heap memory only for a connection that may write. So the file is opened read-write, but
        /// in exclusive locking mode, with `PRAGMA query_only` (no statement can write) and no
        /// checkpoint on close: the recording's files are left byte for byte as they were.
        case readWithoutSharedMemory
    }

    public init(path: String, mode: Mode) throws(StoreError) {
        var pointer: OpaquePointer?
        let flags: Int32
        switch mode {
        case .readOnly: flags = SQLITE_OPEN_READONLY
        case .readWrite: flags = SQLITE_OPEN_READWRITE
        case .create: flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        case .readWithoutSharedMemory: flags = SQLITE_OPEN_READWRITE
        }
        let code = sqlite3_open_v2(path, &pointer, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard code == SQLITE_OK, let pointer else {
            let message = pointer.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let pointer { sqlite3_close_v2(pointer) }
            throw .sqlite(path: path, code: code, message: message, sql: "open")
        }
        handle = pointer
        self.path = path
        sqlite3_busy_timeout(handle, 5000)
        if mode == .readWithoutSharedMemory {
            let code = csqlite_disable_checkpoint_on_close(handle)
            guard code == SQLITE_OK else {
                throw .sqlite(path: path, code: code, message: lastErrorMessage, sql: "SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE")
            }
            // Both before the first read: the locking mode decides whether SQLite ever asks for `-shm`.
            try execute("PRAGMA locking_mode = EXCLUSIVE")
            try execute("PRAGMA query_only = 1")
        }
    }

    deinit {
        if isOpen { sqlite3_close_v2(handle) }
    }

    private var isOpen = true

    /// Closes the connection now rather than when the last statement lets go of it: the recording
    /// writer closes its index before it renames the recording's folder, then opens it again.
    /// Every statement prepared on this connection must be gone before (SQLite would keep a
    /// "zombie" connection, with its files open, until they are finalized).
    public func close() {
        guard isOpen else { return }
        isOpen = false
        sqlite3_close_v2(handle)
    }

    /// SQLite's extended result code of the last failed call on this connection (e.g.
    /// SQLITE_IOERR_SHMMAP), which tells a missing shared memory apart from other I/O errors.
    var lastExtendedErrorCode: Int32 { sqlite3_extended_errcode(handle) }

    /// Runs one or more statements that take no arguments.
    public func execute(_ sql: String) throws(StoreError) {
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        if code != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(message)
            throw .sqlite(path: path, code: code, message: text, sql: sql)
        }
    }

    public func prepare(_ sql: String) throws(StoreError) -> SQLiteStatement {
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw .sqlite(path: path, code: code, message: String(cString: sqlite3_errmsg(handle)), sql: sql)
        }
        return SQLiteStatement(statement: statement, database: self, sql: sql)
    }

    /// Runs `body` inside BEGIN IMMEDIATE ... COMMIT, rolling back if it throws.
    public func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// `PRAGMA user_version`.
    public func userVersion() throws(StoreError) -> Int {
        let statement = try prepare("PRAGMA user_version")
        guard try statement.step() else { return 0 }
        return Int(statement.int64(0))
    }

    /// The first column of the first row of a query, as an integer (0 when there is no row).
    public func scalar(_ sql: String, _ arguments: [SQLiteValue] = []) throws(StoreError) -> Int64 {
        let statement = try prepare(sql)
        try statement.bind(arguments)
        guard try statement.step() else { return 0 }
        return statement.int64(0)
    }

    var lastErrorMessage: String { String(cString: sqlite3_errmsg(handle)) }
}

/// A value bound to a statement argument or read from a column.
public enum SQLiteValue: Sendable, Equatable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// A prepared statement; `reset()` lets it run again with new arguments.
public final class SQLiteStatement {
    let statement: OpaquePointer
    /// Held strongly: a statement must not outlive its connection (the connection holds no statements).
    let database: SQLiteDatabase
    public let sql: String

    init(statement: OpaquePointer, database: SQLiteDatabase, sql: String) {
        self.statement = statement
        self.database = database
        self.sql = sql
    }

    deinit {
        sqlite3_finalize(statement)
    }

    public func bind(_ values: [SQLiteValue]) throws(StoreError) {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .null: code = sqlite3_bind_null(statement, index)
            case let .integer(number): code = sqlite3_bind_int64(statement, index, number)
            case let .real(number): code = sqlite3_bind_double(statement, index, number)
            case let .text(text): code = sqlite3_bind_text(statement, index, text, -1, csqlite_transient())
            case let .blob(bytes):
                code = bytes.withUnsafeBytes {
                    sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), csqlite_transient())
                }
            }
            guard code == SQLITE_OK else {
                throw .sqlite(path: database.path, code: code, message: database.lastErrorMessage, sql: sql)
            }
        }
    }

    /// Advances to the next row; false when there are no more.
    @discardableResult
    public func step() throws(StoreError) -> Bool {
        let code = sqlite3_step(statement)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            throw .sqlite(path: database.path, code: code, message: database.lastErrorMessage, sql: sql)
        }
    }

    /// Binds, runs to completion and resets.
    public func run(_ values: [SQLiteValue]) throws(StoreError) {
        try bind(values)
        while try step() {}
        sqlite3_reset(statement)
    }

    public var columnCount: Int { Int(sqlite3_column_count(statement)) }

    public func columnName(_ index: Int) -> String {
        sqlite3_column_name(statement, Int32(index)).map { String(cString: $0) } ?? "?"
    }

    public func int64(_ index: Int) -> Int64 { sqlite3_column_int64(statement, Int32(index)) }

    public func double(_ index: Int) -> Double { sqlite3_column_double(statement, Int32(index)) }

    public func isNull(_ index: Int) -> Bool { sqlite3_column_type(statement, Int32(index)) == SQLITE_NULL }

    public func text(_ index: Int) -> String {
        sqlite3_column_text(statement, Int32(index)).map { String(cString: $0) } ?? ""
    }

    public func optionalText(_ index: Int) -> String? { isNull(index) ? nil : text(index) }

    public func optionalInt64(_ index: Int) -> Int64? { isNull(index) ? nil : int64(index) }

    /// The column's value with its SQLite type.
    public func value(_ index: Int) -> SQLiteValue {
        let column = Int32(index)
        switch sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, column))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(statement, column))
        case SQLITE_TEXT: return .text(text(index))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(statement, column))
            guard let pointer = sqlite3_column_blob(statement, column), count > 0 else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: pointer, count: count)))
        default: return .null
        }
    }

    /// Whether the statement only reads (sqlite3_stmt_readonly).
    public var isReadOnly: Bool { sqlite3_stmt_readonly(statement) != 0 }
}
