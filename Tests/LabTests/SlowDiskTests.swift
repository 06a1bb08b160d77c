import CamrecStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// Recording onto a disk slower than the camera: the recorder stays under its memory ceiling,
/// drops at capture (counted per stream, noted with why), keeps the driver's buffers moving and
/// leaves a recording that verifies. Needs a lab boot with `tools/v4l2-lab run --slow-disk N`
/// (tools/check gives it one), which mounts a qemu-throttled disk at CAMREC_LAB_SLOW_DISK.
extension Lab {
    @Suite("slow disk")
    struct SlowDiskTests {
        static var slowDisk: String? { ProcessInfo.processInfo.environment["CAMREC_LAB_SLOW_DISK"] }

        /// The process's peak resident size (VmHWM in /proc/PID/status), in bytes; nil once it is gone.
        static func peakResidentBytes(of pid: pid_t) -> Int? {
            guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
            for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
                let words = line.dropFirst("VmHWM:".count).split(whereSeparator: { $0 == " " || $0 == "\t" })
                if let first = words.first, let kibibytes = Int(first) { return kibibytes * 1024 }
            }
            return nil
        }

        @Test(.enabled(if: LabEnvironment.isAvailable && slowDisk != nil, "needs a lab boot with --slow-disk (tools/check gives it one)"))
        func slowDiskRecordingStaysUnderTheCeilingAndDropsAtCapture() throws {
            let disk = try #require(Self.slowDisk)
            let synthetic = disk + "/synthetic.camrec"
            let vivid = disk + "/vivid.camrec"
            let vividNode = try LabNodes.vividCapture()
            let syntheticCeiling = 40 << 20
            let vividCeiling = 64 << 20  // the default
            // The synthetic camera's sensor noise barely compresses: at 320x180 and 5 fps it needs more
            // than a 128 KB/s disk takes (vivid adds its own), so the recorder must drop. One worker
            // each and 5 fps leave the emulated CPUs to vivid's thread: gaps from an emulator too busy
            // to run it on time would look like starvation.
            let recordings = [
                try BackgroundProgram([CamrecExecutable.path, "record", "--synthetic", "--synthetic-size", "320x180",
                                       "--synthetic-fps", "5", "-o", synthetic, "--duration", "60", "--max-memory", "40MiB",
                                       "--workers", "1"]),
                try BackgroundProgram([CamrecExecutable.path, "record", "-d", vividNode + ":320x180:YUYV",
                                       "-o", vivid, "--duration", "60", "--workers", "1", "--buffers", "8"]),
            ]
            // VmHWM while they run (the kernel's own peak figure; read until each process is gone).
            var peaks = [0, 0]
            var statuses: [Int32?] = [nil, nil]
            let deadline = Date().addingTimeInterval(300)
            while statuses.contains(where: { $0 == nil }) && Date() < deadline {
                for (index, program) in recordings.enumerated() where statuses[index] == nil {
                    if let peak = Self.peakResidentBytes(of: program.pid) { peaks[index] = max(peaks[index], peak) }
                    statuses[index] = program.wait(seconds: 0)
                }
                usleep(200_000)
            }
            let results = recordings.map { $0.finish(seconds: 1) }
            for result in results {
                #expect(result.status == 0, "\(result.standardError)")
                print("slow disk: \(result.errorLines.joined(separator: " | "))")
            }
            let mebibytes = { (bytes: Int) in String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
            print("slow disk: peak VmHWM synthetic \(mebibytes(peaks[0])) (ceiling \(mebibytes(syntheticCeiling))), "
                  + "vivid \(mebibytes(peaks[1])) (ceiling \(mebibytes(vividCeiling)))")
            #expect(peaks[0] > 0 && peaks[0] < syntheticCeiling, "synthetic peak RSS \(mebibytes(peaks[0]))")
            #expect(peaks[1] > 0 && peaks[1] < vividCeiling, "vivid peak RSS \(mebibytes(peaks[1]))")

            // The synthetic recording: drops counted per stream, each with a note that says why.
            let info = try recordingInfoWithDrops(synthetic)
            let drops = info.streams.reduce(Int64(0)) { $0 + $1.recorderDrops }
            print("slow disk: synthetic recorder drops \(info.streams.map { "\($0.name) \($0.recorderDrops)/\($0.buffers + $0.recorderDrops)" })")
            #expect(drops > 0)
            #expect(info.streams.allSatisfy { $0.buffers > 0 })
            let notes = try camrecSucceeding(["sql", synthetic, "--csv",
                                              "SELECT COUNT(*), MAX(message) FROM notes WHERE kind = 'recorder_drop'"])
            #expect(notes.standardOutput.contains("\(drops),"), "\(notes.standardOutput)")
            #expect(notes.standardOutput.contains("storage too slow"), "\(notes.standardOutput)")
            #expect(notes.standardOutput.contains("MB/s needed"), "\(notes.standardOutput)")
            #expect(try camrec(["verify", synthetic]).status == 0)

            // vivid: the recorder never held all of the driver's buffers. A buffer is held only in the
            // compress stage, where it has reserved at least its worst-case frame size, so the most the
            // pipeline held at once, divided by that, bounds how many were held at once. (vivid's own
            // thread, late on an emulated CPU shared with the synthetic camera, still skips a frame now
            // and then with 8 buffers queued: its sequence gaps are printed, not taken as starvation.)
            let vividInfo = try recordingInfoWithDrops(vivid)
            let stream = try vividInfo.stream(at: vividNode)
            print("slow disk: vivid \(stream.buffers) buffers, driver drops \(stream.driverDrops) (gaps \(stream.largestGaps.map { "\($0.previousSequence)->\($0.sequence)" })), recorder drops \(stream.recorderDrops)")
            #expect(stream.buffers > 0)
            let heldLine = try #require(results[1].errorLines.first { $0.contains("pipeline held at most") }, "\(results[1].standardError)")
            let heldText = try #require(heldLine.components(separatedBy: "pipeline held at most ").last?.split(separator: " ").first)
            let heldMebibytes = try #require(Double(heldText))
            let perBuffer = Double(PlaneEncoder.frameBound(byteCount: Int(stream.format.planes[0].sizeimage))) / 1_048_576
            // Rounded up to the 0.1 MiB the line is printed in.
            let heldBuffers = (heldMebibytes + 0.05) / perBuffer
            print("slow disk: vivid's recorder held at most \(String(format: "%.1f", heldBuffers)) of its 8 buffers at once")
            #expect(heldBuffers < 8, "held \(heldMebibytes) MiB at once: \(heldBuffers) buffers of \(perBuffer) MiB")
            let vividVerify = try camrec(["verify", vivid])
            #expect(vividVerify.status == 0, "\(vividVerify.standardOutput)")
        }
    }
}
