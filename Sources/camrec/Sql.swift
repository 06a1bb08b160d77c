import ArgumentParser
import CamrecStore
import Foundation

struct Sql: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Run one read-only SQL query over a recording's index.",
        discussion: """
            The index is opened read-only and every statement is checked before it runs: writes \
            (INSERT, UPDATE, DELETE, CREATE, DROP...), ATTACH and PRAGMAs that change state are \
            refused. Views make common questions one line: `frames` (one row per buffer, with its \
            stream name and byte totals), `gaps` (sequence gaps per stream); tables `streams`, \
            `buffers`, `planes`, `chunks`, `requests`, `notes`, `stream_stats`. schema/README.md \
            documents them with examples.

            Examples:
              camrec sql demo.camrec "SELECT stream, COUNT(*) FROM frames GROUP BY stream"
              camrec sql demo.camrec "SELECT * FROM gaps ORDER BY missing DESC LIMIT 5" --csv
              camrec sql demo.camrec "SELECT sequence, timestamp_ns FROM frames WHERE status = 'error'" --json
            """)

    @Argument(help: "The recording folder.")
    var recording: String

    @Argument(help: "One SQL statement (SELECT, WITH, or a reporting PRAGMA such as table_info).")
    var query: String

    @OptionGroup var output: OutputStyleOptions

    func run() throws {
        // RecordingReader checks that this is a recording with a schema this camrec reads.
        let reader = try RecordingReader(path: recording)
        noteIfStillRecording(reader)
        let connection = ReadOnlyQuery(database: reader.index.database)
        let statement: SQLiteStatement
        do {
            statement = try connection.prepare(query)
        } catch {
            throw CommandFailure("\(error)")
        }
        let columns = (0..<statement.columnCount).map { statement.columnName($0) }
        var rows: [[TableOutput.Cell]] = []
        while try statement.step() {
            rows.append((0..<columns.count).map { column in
                switch statement.value(column) {
                case .null: .null
                case let .integer(number): .integer(number)
                case let .real(number): .real(number)
                case let .text(text): .text(text)
                case let .blob(bytes): .text("x'" + bytes.map { String(format: "%02x", $0) }.joined() + "'")
                }
            })
        }
        TableOutput.print(columns: columns, rows: rows, style: output.style)
    }
}
