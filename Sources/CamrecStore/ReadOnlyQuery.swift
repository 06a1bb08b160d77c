import CSQLite

/// Why `camrec sql` refused or failed a statement.
public enum ReadOnlyQueryError: Error, CustomStringConvertible, Sendable {
    /// The statement would change the recording, attach another file or alter SQLite's own state.
    case refused(sql: String, reason: String)
    /// SQLite could not compile or run it (a syntax error, an unknown table...).
    case sqlite(StoreError)

    public var description: String {
        switch self {
        case let .refused(sql, reason):
            return "refused: \(reason). `camrec sql` only reads; a recording is never changed through it. (in: \(sql))"
        case let .sqlite(error):
            return "\(error)"
        }
    }
}

/// Runs user-written SQL against an index that must stay untouched (`camrec sql`). Three locks:
/// the database is opened with SQLITE_OPEN_READONLY, an authorizer (`sqlite3_set_authorizer`)
/// denies ATTACH/DETACH, every write action and every PRAGMA outside a read-only list, and a
/// compiled statement is run only if `sqlite3_stmt_readonly` says it cannot write.
public final class ReadOnlyQuery {
    /// The pragmas that only report: schema listings and counters. Any of them given a value
    /// (`PRAGMA user_version = 3`) is still refused.
    static let readablePragmas: Set<String> = [
        "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo", "foreign_key_list",
        "user_version", "schema_version", "page_count", "page_size", "freelist_count", "database_list",
        "compile_options", "function_list", "pragma_list", "collation_list", "integrity_check", "quick_check",
        "encoding", "journal_mode",
    ]

    /// Collects the authorizer's reasons while one statement is compiled.
    final class Denials {
        var reasons: [String] = []
    }

    private let database: SQLiteDatabase
    private let denials = Denials()

    /// Opens `path` (an index.sqlite) read-only with the authorizer installed.
    public convenience init(path: String) throws(StoreError) {
        self.init(database: try SQLiteDatabase(path: path, mode: .readOnly))
    }

    /// Installs the authorizer on a connection that was opened read-only (a `RecordingReader`'s
    /// index), so `camrec sql` does not open the file a second time.
    public init(database: SQLiteDatabase) {
        self.database = database
        let context = Unmanaged.passUnretained(denials).toOpaque()
        sqlite3_set_authorizer(database.handle, { context, action, first, second, _, _ in
            guard let context else { return SQLITE_DENY }
            let denials = Unmanaged<ReadOnlyQuery.Denials>.fromOpaque(context).takeUnretainedValue()
            let firstText = first.map { String(cString: $0) }
            let secondText = second.map { String(cString: $0) }
            if let reason = ReadOnlyQuery.denialReason(action: action, first: firstText, second: secondText) {
                denials.reasons.append(reason)
                return SQLITE_DENY
            }
            return SQLITE_OK
        }, context)
    }

    deinit {
        sqlite3_set_authorizer(database.handle, nil, nil)
    }

    /// Why an action is refused, or nil when it only reads.
    static func denialReason(action: Int32, first: String?, second: String?) -> String? {
        switch action {
        case SQLITE_SELECT, SQLITE_READ, SQLITE_FUNCTION, SQLITE_RECURSIVE:
            return nil
        case SQLITE_ATTACH:
            return "ATTACH opens another database file"
        case SQLITE_DETACH:
            return "DETACH changes the connection"
        case SQLITE_PRAGMA:
            let name = (first ?? "").lowercased()
            guard readablePragmas.contains(name) else {
                return "PRAGMA \(name) can change the database or the connection; only reporting pragmas "
                    + "(table_info, index_list, user_version, ...) are allowed"
            }
            let takesArgument = ["table_info", "table_xinfo", "index_list", "index_info", "index_xinfo",
                                 "foreign_key_list", "integrity_check", "quick_check", "table_list"].contains(name)
            if second != nil && !takesArgument {
                return "PRAGMA \(name) with a value would change it"
            }
            return nil
        case SQLITE_INSERT, SQLITE_UPDATE, SQLITE_DELETE:
            return "\(actionName(action)) on \(first ?? "a table") would change the recording"
        case SQLITE_TRANSACTION, SQLITE_SAVEPOINT:
            return nil
        default:
            return "\(actionName(action)) \(first ?? "") would change the recording's schema or state"
        }
    }

    private static func actionName(_ action: Int32) -> String {
        switch action {
        case SQLITE_INSERT: "INSERT"
        case SQLITE_UPDATE: "UPDATE"
        case SQLITE_DELETE: "DELETE"
        case SQLITE_CREATE_TABLE, SQLITE_CREATE_TEMP_TABLE: "CREATE TABLE"
        case SQLITE_CREATE_INDEX, SQLITE_CREATE_TEMP_INDEX: "CREATE INDEX"
        case SQLITE_CREATE_VIEW, SQLITE_CREATE_TEMP_VIEW: "CREATE VIEW"
        case SQLITE_CREATE_TRIGGER, SQLITE_CREATE_TEMP_TRIGGER: "CREATE TRIGGER"
        case SQLITE_DROP_TABLE, SQLITE_DROP_TEMP_TABLE: "DROP TABLE"
        case SQLITE_DROP_INDEX, SQLITE_DROP_TEMP_INDEX: "DROP INDEX"
        case SQLITE_DROP_VIEW, SQLITE_DROP_TEMP_VIEW: "DROP VIEW"
        case SQLITE_DROP_TRIGGER, SQLITE_DROP_TEMP_TRIGGER: "DROP TRIGGER"
        case SQLITE_ALTER_TABLE: "ALTER TABLE"
        case SQLITE_REINDEX: "REINDEX"
        case SQLITE_ANALYZE: "ANALYZE"
        case SQLITE_CREATE_VTABLE: "CREATE VIRTUAL TABLE"
        case SQLITE_DROP_VTABLE: "DROP VIRTUAL TABLE"
        default: "action \(action)"
        }
    }

    /// Compiles one statement (a single one: text after the first `;` is refused) and checks that
    /// it only reads. The statement's arguments, if it has `?` placeholders, are bound by the caller.
    public func prepare(_ sql: String) throws(ReadOnlyQueryError) -> SQLiteStatement {
        denials.reasons.removeAll()
        var statement: OpaquePointer?
        var rest = ""
        let code = sql.withCString { text -> Int32 in
            var tail: UnsafePointer<CChar>?
            let code = sqlite3_prepare_v2(database.handle, text, -1, &statement, &tail)
            if let tail { rest = String(cString: tail) }
            return code
        }
        if let reason = denials.reasons.first {
            if let statement { sqlite3_finalize(statement) }
            throw .refused(sql: sql, reason: reason)
        }
        guard code == SQLITE_OK, let statement else {
            throw .sqlite(.sqlite(path: database.path, code: code, message: database.lastErrorMessage, sql: sql))
        }
        let compiled = SQLiteStatement(statement: statement, database: database, sql: sql)
        guard rest.allSatisfy({ $0.isWhitespace || $0 == ";" }) else {
            throw .refused(sql: sql, reason: "more than one statement; give one SELECT at a time")
        }
        guard compiled.isReadOnly else {
            throw .refused(sql: sql, reason: "the statement would write (sqlite3_stmt_readonly is false)")
        }
        return compiled
    }
}
