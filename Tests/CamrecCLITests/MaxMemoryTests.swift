import CamrecStore
import Foundation
import Testing

/// `record --max-memory` is checked against what camrec holds before recording starts.
@Suite("Memory ceiling")
struct MaxMemoryTests {
    @Test("a ceiling too low for camrec's own memory is refused before anything is recorded, naming a size that works")
    func ceilingBelowWhatCamrecHoldsIsRefused() throws {
        let folder = try CamrecBinary.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/low.camrec"
        let result = try CamrecBinary.run(["record", "-o", path, "--synthetic", "--frames", "2", "--max-memory", "16MiB"])
        #expect(result.status == 1)
        #expect(result.standardError.contains("--max-memory 16 MiB is too low"), "\(result.standardError)")
        #expect(result.standardError.contains("Give --max-memory"), "\(result.standardError)")
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("sizes take KiB, MiB and GiB; the recording runs within the ceiling and says how much it used")
    func ceilingWithUnitsRecords() throws {
        let folder = try CamrecBinary.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/ok.camrec"
        let result = try CamrecBinary.run(["record", "-o", path, "--synthetic", "--synthetic-size", "64x48", "--frames", "5",
                                           "--max-memory", "1GiB"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("of --max-memory 1024.0 MiB"), "\(result.standardError)")
    }

    /// Many small buffers make many index rows: each stage hand-off must let go of what it passed
    /// on (the commit queue once kept the rows of up to 64 committed chunks: 126 MiB resident at
    /// 1M buffers under the 64 MiB default). Unpaced, so it is as many rows as the machine makes.
    @Test("a long recording of small buffers stays under the default ceiling")
    func manySmallBuffersStayUnderTheDefaultCeiling() throws {
        let folder = try CamrecBinary.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/many.camrec"
        let result = try CamrecBinary.run(["record", "-o", path, "--synthetic", "--synthetic-unpaced",
                                           "--synthetic-size", "16x16", "--frames", "60000"], timeout: 300)
        #expect(result.status == 0, "\(result.standardError)")
        // "camrec: memory: pipeline held at most 1.4 of its 31.5 MiB; peak resident 38.8 MiB of --max-memory 64.0 MiB"
        let line = try #require(result.standardError.split(separator: "\n").first { $0.contains("peak resident") })
        let words = line.split(separator: " ")
        let peak = try #require(words.firstIndex(of: "resident").flatMap { Double(words[$0 + 1]) })
        let ceiling = try #require(words.firstIndex(of: "--max-memory").flatMap { Double(words[$0 + 1]) })
        #expect(peak <= ceiling, "\(line)")
    }

    /// A ring of small buffers keeps each buffer's metadata in memory: the ring lets its oldest go
    /// once it holds half the pipeline's budget (and notes it), so a `--ring 1GiB` of tiny frames
    /// neither stalls the pipeline nor passes the ceiling.
    @Test("a ring of many small buffers stays under the default ceiling and says when memory bounded it")
    func ringOfSmallBuffersStaysUnderTheDefaultCeiling() throws {
        let folder = try CamrecBinary.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/ring.camrec"
        let result = try CamrecBinary.run(["record", "-o", path, "--synthetic", "--synthetic-unpaced",
                                           "--synthetic-size", "16x16", "--frames", "15000", "--ring", "1GiB", "--post", "100ms",
                                           "--synthetic-error-every", "14000", "--trigger-on", "error-buffer"], timeout: 300)
        #expect(result.status == 0, "\(result.standardError)")
        let line = try #require(result.standardError.split(separator: "\n").first { $0.contains("peak resident") })
        let words = line.split(separator: " ")
        let peak = try #require(words.firstIndex(of: "resident").flatMap { Double(words[$0 + 1]) })
        let ceiling = try #require(words.firstIndex(of: "--max-memory").flatMap { Double(words[$0 + 1]) })
        #expect(peak <= ceiling, "\(line)")
        let reader = try RecordingReader(path: path)
        #expect(try RecordedEvents.load(from: reader.index).events.map(\.sequence) == [14000])
        let note = try reader.index.database.prepare("SELECT message FROM notes WHERE message LIKE 'Ring recording: the ring holds at most%'")
        #expect(try note.step())
        // The saved window is what the ring held: bounded by memory, not by --ring 1GiB.
        let saved = try reader.index.database.scalar("SELECT COUNT(*) FROM buffers")
        #expect(saved > 1000 && saved < 3 * 14000)
    }
}
