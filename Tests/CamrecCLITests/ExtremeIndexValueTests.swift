import CamrecStore
import Foundation
import Testing

/// Numbers read from a recording's index go into arithmetic and allocation (timestamps into
/// intervals and rates, sizes and strides into conversions, offsets into reads). The index is a
/// file anyone can edit: with Int64's ends, 4294967295-pixel sizes and offsets past the chunk in
/// it, the inspection commands say what is wrong, and none is killed by a signal.
@Suite("Extreme values in an index")
struct ExtremeIndexValueTests {
    @Test("an edited index gets errors or figures, never a trap")
    func editedIndexDoesNotTrap() throws {
        let folder = try CamrecBinary.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let recording = folder + "/edited.camrec"
        // Buffers 1-3 are sequence 0 of main, preview and meta, 4-6 sequence 1, 7-9 sequence 3 (a drop).
        let made = try CamrecBinary.run(["record", "-o", recording, "--frames", "3", "--synthetic-unpaced", "--synthetic-size", "32x32",
                                         "--synthetic-drop-every", "2", "--workers", "1"])
        try #require(made.status == 0, "\(made.standardError)")
        try edit(recording, """
            UPDATE buffers SET timestamp_ns = -9223372036854775808 WHERE id IN (1, 2, 3);
            UPDATE buffers SET timestamp_ns = 9223372036854775807 WHERE id IN (4, 5, 6);
            UPDATE stream_stats SET first_timestamp_ns = -9223372036854775808, last_timestamp_ns = 9223372036854775807,
                recorder_drops = 9223372036854775807, raw_bytes = 9223372036854775807;
            UPDATE recording SET start_wall_ns = 9223372036854775807;
            UPDATE streams SET width = 4294967295, height = 4294967295 WHERE name = 'main';
            UPDATE stream_planes SET bytesperline = 4294967295 WHERE stream_id = (SELECT id FROM streams WHERE name = 'preview');
            UPDATE planes SET offset = 9223372036854775807 WHERE buffer_id = 7;
            """)

        func run(_ arguments: [String]) throws -> CamrecBinary.Result {
            let result = try CamrecBinary.run(arguments)
            #expect(!result.killedBySignal, "camrec \(arguments.joined(separator: " ")) killed by signal \(result.status): \(result.standardError)")
            return result
        }
        for arguments in [["info", recording], ["info", recording, "--json"], ["frames", recording, "--time", "0..1"],
                          ["frames", recording, "--after-gap"], ["diff", recording, recording, "--pair", "timestamp"],
                          ["export", recording, "-o", folder + "/all.mcap"]] {
            _ = try run(arguments)
        }

        let mainImage = try run(["export", recording, "--stream", "main", "--sequence", "1", "-o", folder + "/main.png"])
        #expect(mainImage.status == 1)
        #expect(mainImage.standardError.contains("4294967295x4294967295 is not an image size"), "\(mainImage.standardError)")
        let mainVideo = try run(["export", recording, "--stream", "main", "-o", folder + "/main.y4m"])
        #expect(mainVideo.status == 1)
        #expect(mainVideo.standardError.contains("not an image size"), "\(mainVideo.standardError)")

        let previewImage = try run(["export", recording, "--stream", "preview", "--sequence", "1", "-o", folder + "/preview.png"])
        #expect(previewImage.status == 1)
        #expect(previewImage.standardError.contains("at 4294967295 bytes per line"), "\(previewImage.standardError)")
        let previewVideo = try run(["export", recording, "--stream", "preview", "-o", folder + "/preview.y4m"])
        #expect(previewVideo.status == 1)
        #expect(previewVideo.standardError.contains("too few for 16x16"), "\(previewVideo.standardError)")

        let pastTheEnd = try run(["export", recording, "--stream", "main", "--sequence", "3", "-o", folder + "/main3.raw"])
        #expect(pastTheEnd.status == 1)
        #expect(pastTheEnd.standardError.contains("at offset 9223372036854775807"), "\(pastTheEnd.standardError)")
        // Paced replay: first and second buffers 2^64 ns apart cannot be paced, and it says so.
        let paced = try run(["replay", recording, "--stream", "meta", "--to", "null"])
        #expect(paced.status == 1)
        #expect(paced.standardError.contains("cannot pace the replay"), "\(paced.standardError)")
        let unpaced = try run(["replay", recording, "--stream", "meta", "--to", "null", "--as-fast-as-possible"])
        #expect(unpaced.status == 0, "\(unpaced.standardError)")
        let verify = try run(["verify", recording])
        #expect(verify.status == 1)
        #expect(verify.standardOutput.contains("past_end"), "\(verify.standardOutput)")

        // Without stored statistics, `info` computes them from the timestamps.
        try edit(recording, "DELETE FROM stream_stats; DELETE FROM recording_stats;")
        let info = try run(["info", recording])
        #expect(info.status == 0, "\(info.standardError)")
    }

    /// Runs `sql` on the recording's index, and closes it again before camrec opens it.
    private func edit(_ recording: String, _ sql: String) throws {
        let database = try SQLiteDatabase(path: recording + "/index.sqlite", mode: .readWrite)
        try database.execute(sql)
    }
}
