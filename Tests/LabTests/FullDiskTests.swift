import CamrecStore
import Foundation
import Testing

/// A disk that fills up mid-recording: camrec stops with one clear line that names the file and
/// what to do, every buffer the index lists is intact, and once space is freed `camrec recover`
/// indexes whatever reached the chunks after the index could no longer grow. Runs in the lab
/// because it needs root to mount a small tmpfs as the full disk.
extension Lab {
    @Suite("full disk")
    struct FullDiskTests {
        @Test func recordingOnAFullDiskKeepsWhatWasWritten() throws {
            let scratch = try ScratchFolder()
            let disk = scratch.path + "/disk"
            try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: false)
            let mounted = try runProgram(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", disk])
            try #require(mounted.status == 0, "mount: \(mounted.output)")
            defer { _ = try? runProgram(["umount", disk]) }
            let path = disk + "/full.camrec"

            let result = try camrec(["record", "--synthetic", "-o", path, "--duration", "20", "--synthetic-size", "640x480",
                                     "--synthetic-unpaced", "--chunk-duration", "0.2"])
            #expect(result.status != 0)
            let errorLines = result.standardError.split(separator: "\n").filter { $0.hasPrefix("Error:") }
            #expect(errorLines.count == 1, "\(result.standardError)")
            // Either a chunk write or the index commit meets the full disk first.
            let chunkFull = result.standardError.contains("No space left on device (errno 28)")
                && result.standardError.contains(path + "/chunks/")
            let indexFull = result.standardError.contains("camrec recover")
            #expect(chunkFull || indexFull, "\(result.standardError)")

            // What the index lists is all there and intact.
            let indexed = try RecordingReader(path: path).buffers()
            #expect(indexed.count > 0)
            let reader = try RecordingReader(path: path)
            for buffer in indexed { _ = try reader.readBuffer(buffer) }
            let verify = try camrec(["verify", path])
            if verify.status != 0 {
                // Only chunks the index could not take in, which recover handles.
                let problems = verify.standardOutput.split(separator: "\n").dropFirst()
                #expect(problems.allSatisfy { $0.contains("extra_chunk") }, "\(verify.standardOutput)")
            }

            // Free space, then recover: nothing that reached the disk is lost.
            let grown = try runProgram(["mount", "-o", "remount,size=64m", disk])
            try #require(grown.status == 0, "remount: \(grown.output)")
            let recovered = try camrec(["recover", path])
            #expect(recovered.standardOutput.contains("recovered"), "\(recovered.standardOutput)\(recovered.standardError)")
            let after = try RecordingReader(path: path).buffers()
            #expect(Set(indexed.map(\.bufferID)).isSubset(of: Set(after.map(\.bufferID))))
            let verifyAfter = try camrec(["verify", path])
            #expect(verifyAfter.status == 0, "\(verifyAfter.standardOutput)\(verifyAfter.standardError)")
        }
    }
}
