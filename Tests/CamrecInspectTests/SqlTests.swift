import CamrecStore
import Foundation
import Testing

/// `camrec sql` reads, and refuses anything that could change the recording.
@Suite struct SqlTests {
    @Test(arguments: [
        "DELETE FROM buffers",
        "ATTACH DATABASE '/tmp/camrec-attached.sqlite' AS other",
        "PRAGMA writable_schema=1",
        "UPDATE streams SET name = 'x'",
        "DROP VIEW frames",
        "CREATE TABLE t (x)",
        "SELECT 1; DELETE FROM buffers",
        "VACUUM",
    ])
    func writesAreRefusedWithAClearMessage(_ statement: String) throws {
        let folder = try Fixtures.temporaryFolder()
        let path = try Fixtures.syntheticRecording(in: folder)
        let before = try RecordingReader(path: path).buffers().count
        let query = try ReadOnlyQuery(path: path + "/index.sqlite")
        #expect(throws: ReadOnlyQueryError.self) { _ = try query.prepare(statement) }
        let run = try Fixtures.camrec(["sql", path, statement])
        #expect(run.status != 0)
        #expect(run.standardError.contains("refused") || run.standardError.contains("readonly") || run.standardError.contains("read-only"),
                "\(run.standardError)")
        #expect(try RecordingReader(path: path).buffers().count == before)
        #expect(!FileManager.default.fileExists(atPath: "/tmp/camrec-attached.sqlite"))
    }

    @Test func refusalsNameTheReason() throws {
        let folder = try Fixtures.temporaryFolder()
        let path = try Fixtures.syntheticRecording(in: folder)
        let query = try ReadOnlyQuery(path: path + "/index.sqlite")
        for (statement, words) in [("DELETE FROM buffers", "DELETE"), ("ATTACH 'x' AS y", "ATTACH"),
                                   ("PRAGMA writable_schema=1", "writable_schema")] {
            do {
                _ = try query.prepare(statement)
                Issue.record("\(statement) was accepted")
            } catch {
                #expect(error.description.contains(words))
                #expect(error.description.contains("only reads"))
            }
        }
    }

    @Test func queriesAndViewsAnswerInTableJsonAndCsv() throws {
        let folder = try Fixtures.temporaryFolder()
        let path = try Fixtures.syntheticRecording(in: folder)
        let table = try Fixtures.camrec(["sql", path, "SELECT stream, COUNT(*) AS n FROM frames GROUP BY stream ORDER BY stream"])
        #expect(table.status == 0, "\(table.standardError)")
        #expect(table.standardOutput.contains("main"))
        let json = try Fixtures.camrec(["sql", path, "SELECT stream, missing FROM gaps WHERE stream = 'main'", "--json"])
        let lines = json.standardOutput.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["stream"] as? String == "main")
            #expect((object["missing"] as? Int ?? 0) >= 1)
        }
        let csv = try Fixtures.camrec(["sql", path, "SELECT name, fourcc FROM streams ORDER BY id", "--csv"])
        #expect(csv.standardOutput == "name,fourcc\nmain,NV12\npreview,YUYV\nmeta,CSMD\n")
        let pragma = try Fixtures.camrec(["sql", path, "PRAGMA table_info(streams)"])
        #expect(pragma.status == 0)
    }
}
