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
}
