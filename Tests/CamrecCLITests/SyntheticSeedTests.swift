import Foundation
import Testing

/// `--synthetic-seed`: two recordings of one seed hold the same bytes, metadata and timestamps
/// included, which `tools/crash-trials` relies on for its reference.
@Suite("synthetic seed")
struct SyntheticSeedTests {
    @Test func twoRecordingsOfOneSeedAreEqualAndAnotherSeedIsNot() throws {
        let folder = try CamrecBinary.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func record(_ name: String, seed: Int) throws -> String {
            let path = folder + "/" + name
            let result = try CamrecBinary.run(["record", "-o", path, "--frames", "8", "--synthetic", "--synthetic-size", "64x48",
                                               "--synthetic-unpaced", "--synthetic-seed", "\(seed)"])
            #expect(result.status == 0, "\(result.standardError)")
            return path
        }
        let first = try record("a.camrec", seed: 7)
        let second = try record("b.camrec", seed: 7)
        let other = try record("c.camrec", seed: 8)
        let same = try CamrecBinary.run(["diff", first, second, "--pair", "timestamp"])
        #expect(same.status == 0, "\(same.standardOutput)")
        #expect(same.standardOutput.contains("main: 8 paired, 8 bit-exact"))
        #expect(try CamrecBinary.run(["diff", first, other]).status == 1, "another seed, other noise")
    }
}
