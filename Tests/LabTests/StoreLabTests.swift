import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import V4L2

/// Where the store meets the real world: `--force` against a V4L2 node that cannot start, and
/// recording onto a network file system (the lab's 9p share of the checkout).
extension Lab {
    @Suite("store in the lab")
    struct StoreLabTests {
        /// Ways a real node fails to start, as a user meets them.
        enum StartFailure: String, CaseIterable, CustomTestStringConvertible, Sendable {
            /// Another program streams from the node (`v4l2-ctl --stream-mmap`): EBUSY.
            case busy
            /// vivid's `inject_vidioc_streamon_error`: VIDIOC_STREAMON fails after the recording was created.
            case streamOnError
            var testDescription: String { rawValue }
        }

        @Test(arguments: StartFailure.allCases)
        func forceWithANodeThatCannotStartLeavesThePreviousRecordingByteIdentical(_ failure: StartFailure) throws {
            let node = try LabNodes.vividCapture()
            let scratch = try ScratchFolder()
            let recording = scratch.file("existing.camrec")
            try camrecSucceeding(["record", "--synthetic", "--synthetic-size", "64x48", "--synthetic-unpaced",
                                  "--frames", "3", "-o", recording])
            let before = try contentsOfEveryFile(recording)
            #expect(before.keys.contains("index.sqlite") && before.keys.contains("chunks/000001.zst"))

            var owner: BackgroundProgram?
            switch failure {
            case .busy:
                owner = try BackgroundProgram(["v4l2-ctl", "-d", node, "--stream-mmap"])
                // Until v4l2-ctl owns the queue (REQBUFS), the node is not busy yet.
                try waitUntilBusy(node)
            case .streamOnError:
                let device = try VideoDevice(path: node)
                try device.setControl("inject_vidioc_streamon_error", to: 1)
            }
            let result = try camrec(["record", "-d", node, "-o", recording, "--force", "--frames", "2"])
            if let owner { kill(owner.pid, SIGKILL) }  // v4l2-ctl streams until killed.
            _ = owner?.finish(seconds: 10)

            #expect(result.status == 1, "stderr: \(result.standardError)")
            #expect(try contentsOfEveryFile(recording) == before, "the previous recording changed")
            #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path) == ["existing.camrec"],
                    "nothing left beside it")
            // The node works again afterwards, and --force then does replace.
            try camrecSucceeding(["record", "-d", node, "-o", recording, "--force", "--frames", "2"])
            #expect(try contentsOfEveryFile(recording) != before)
            #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path) == ["existing.camrec"])
        }

        /// The checkout is shared into the lab over 9p: SQLite has no shared memory there, which
        /// used to fail the first commit with "disk I/O error".
        @Test func recordingOnA9pShareWorksAndVerifies() throws {
            let folder = try NinePFolder()
            let fileSystem = try fileSystemType(folder.path)
            #expect(fileSystem == "9p", "the scratch folder is on 9p, not \(fileSystem)")
            let recording = folder.path + "/on-9p.camrec"
            let recorded = try camrec(["record", "--synthetic", "--synthetic-size", "64x48", "--synthetic-unpaced", "--frames", "20",
                                       "--chunk-duration", "0.2", "-o", recording])
            #expect(recorded.status == 0, "stderr: \(recorded.standardError)")
            try camrecSucceeding(["verify", recording])
            let info = try recordingInfo(recording)
            #expect(info.streams.map(\.buffers) == [20, 20, 20])
            #expect(info.notes.contains { $0.message.contains("exclusive locking mode") } == true,
                    "the recording says why its index was locked while recording")
        }

        /// A recorder killed on 9p leaves its index in WAL mode without a shared-memory file:
        /// `info` must still read it (without changing it), and `recover` and `verify` work.
        @Test func recordingKilledOnA9pShareIsReadableAndRecovers() throws {
            let folder = try NinePFolder()
            let recording = folder.path + "/killed.camrec"
            let recorder = try BackgroundProgram([CamrecExecutable.path, "record", "--synthetic", "--synthetic-size", "64x48",
                                                  "--synthetic-unpaced", "--duration", "60", "--chunk-duration", "0.2", "-o", recording])
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline && ((try? FileManager.default.contentsOfDirectory(atPath: recording + "/chunks"))?.count ?? 0) < 4 {
                usleep(100_000)
            }
            kill(recorder.pid, SIGKILL)
            _ = recorder.finish(seconds: 10)
            #expect(FileManager.default.fileExists(atPath: recording + "/index.sqlite-wal"), "killed before its WAL was folded in")
            let before = try contentsOfEveryFile(recording)

            let info = try camrec(["info", recording, "--json"])
            #expect(info.status == 0, "stderr: \(info.standardError)")
            #expect(info.standardOutput.contains("\"buffers\""))
            let after = try contentsOfEveryFile(recording)
            let changed = Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.sorted()
            #expect(changed.isEmpty, "reading the killed recording changed \(changed)")

            let recovered = try camrec(["recover", recording])
            #expect(recovered.status == 0 || recovered.status == 1, "stderr: \(recovered.standardError)")
            try camrecSucceeding(["verify", recording])
            #expect(try recordingInfo(recording).streams.allSatisfy { $0.buffers > 0 })
        }

        // MARK: Helpers

        /// Every file of a recording, by relative name, with its bytes.
        private func contentsOfEveryFile(_ path: String) throws -> [String: Data] {
            var files: [String: Data] = [:]
            guard let walker = FileManager.default.enumerator(atPath: path) else { return files }
            for case let name as String in walker {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path + "/" + name, isDirectory: &isDirectory),
                      !isDirectory.boolValue else { continue }
                files[name] = try Data(contentsOf: URL(fileURLWithPath: path + "/" + name))
            }
            return files
        }

        private func waitUntilBusy(_ node: String) throws {
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline {
                let device = try VideoDevice(path: node)
                let queue = try device.requireCaptureQueue()
                do {
                    try queue.allocateBuffers(count: 1)
                    try? queue.releaseBuffers()  // Hands the probe's buffer back: the node is not busy yet.
                } catch {
                    return  // Another file handle owns the queue.
                }
                usleep(200_000)
            }
            Issue.record("v4l2-ctl never made \(node) busy")
        }

        /// The type of the mount `path` is on, from /proc/self/mounts (statfs over 9p reports the
        /// host's file system, so it cannot tell).
        private func fileSystemType(_ path: String) throws -> String {
            let mounts = try String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)
            var best = (mountPoint: "", type: "?")
            for line in mounts.split(separator: "\n") {
                let fields = line.split(separator: " ").map(String.init)
                guard fields.count > 2 else { continue }
                let mountPoint = fields[1]
                let covers = path == mountPoint || path.hasPrefix(mountPoint.hasSuffix("/") ? mountPoint : mountPoint + "/")
                if covers && mountPoint.count >= best.mountPoint.count { best = (mountPoint, fields[2]) }
            }
            return best.type
        }
    }
}

/// A scratch folder under the checkout's `.build` (git-ignored), which the lab shares into the
/// guest over 9p at its own path; removed with the value.
final class NinePFolder {
    let path: String

    init() throws {
        var template = Array((FileManager.default.currentDirectoryPath + "/.build/lab-9p-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw V4L2Error(kind: .system, operation: "mkdtemp", devicePath: FileManager.default.currentDirectoryPath,
                            errno: errno, reason: "could not create a scratch folder on the 9p share", remedy: "")
        }
        path = String(cString: made)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
