import Foundation

/// Prints rows of text cells three ways: an aligned table for people, CSV (RFC 4180 quoting) and
/// JSON lines for scripts. Shared by `frames` and `sql`.
enum TableOutput {
    /// Which of the three.
    enum Style {
        case table, csv, json
    }

    /// A cell: text, a number or nothing (SQL NULL), so JSON keeps the types.
    enum Cell {
        case text(String)
        case integer(Int64)
        case real(Double)
        case null

        var plain: String {
            switch self {
            case let .text(text): text
            case let .integer(number): String(number)
            case let .real(number): String(number)
            case .null: ""
            }
        }

        var json: String {
            switch self {
            case let .text(text): jsonString(text)
            case let .integer(number): String(number)
            case let .real(number): number.isFinite ? String(number) : "null"
            case .null: "null"
            }
        }
    }

    static func print(columns: [String], rows: [[Cell]], style: Style) {
        var output = ""
        switch style {
        case .table:
            var widths = columns.map(\.count)
            for row in rows {
                for (index, cell) in row.enumerated() where index < widths.count {
                    widths[index] = max(widths[index], cell.plain.count)
                }
            }
            func line(_ cells: [String], numeric: [Bool]) -> String {
                cells.enumerated().map { index, text in
                    let padding = String(repeating: " ", count: max(0, widths[index] - text.count))
                    return numeric[index] ? padding + text : text + padding
                }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
            }
            let numeric = columns.indices.map { index in
                !rows.isEmpty && rows.allSatisfy { row in
                    guard index < row.count else { return true }
                    switch row[index] {
                    case .integer, .real, .null: return true
                    case .text: return false
                    }
                }
            }
            output += line(columns, numeric: numeric) + "\n"
            for row in rows { output += line(row.map(\.plain), numeric: numeric) + "\n" }
        case .csv:
            output += columns.map(csvField).joined(separator: ",") + "\n"
            for row in rows { output += row.map { csvField($0.plain) }.joined(separator: ",") + "\n" }
        case .json:
            for row in rows {
                let fields = zip(columns, row).map { "\(jsonString($0)):\($1.json)" }
                output += "{" + fields.joined(separator: ",") + "}\n"
            }
        }
        FileHandle.standardOutput.write(Data(output.utf8))
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// A JSON string literal.
func jsonString(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result + "\""
}

/// The shared `--json` / `--csv` flags.
struct OutputStyleOptions: ParsableArguments {
    @Flag(help: "Print JSON lines (one object per row) instead of a table.")
    var json = false

    @Flag(help: "Print CSV with a header row instead of a table.")
    var csv = false

    func validate() throws {
        if json && csv { throw ValidationError("--json and --csv exclude each other; choose one.") }
    }

    var style: TableOutput.Style { json ? .json : csv ? .csv : .table }
}

import ArgumentParser
