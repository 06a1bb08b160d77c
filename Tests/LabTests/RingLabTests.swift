import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import V4L2

/// Ring recording against vivid's fault injection: `--trigger-on sequence-gap` fires at the
/// frames `percentage_of_dropped_buffers` skips, and `--trigger-on error-buffer` on exactly the
/// buffers `inject_v4l2_buf_flag_error` marks. Small frames, a few seconds each.
extension Lab {
    @Suite("camrec record --ring")
    struct RingLabTests {
        /// One event of `camrec info --json`.
        struct EventJSON: Decodable {
            var id: Int64
            var trigger: String
            var detail: String
            var timestampNs: Int64
            var streamId: Int?
            var sequence: Int64?
            var windowStartNs: Int64
            var windowEndNs: Int64
        }

        struct InfoJSON: Decodable {
            var events: [EventJSON]
            var recordingOpen: Bool
        }

        static func events(_ recording: String) throws -> InfoJSON {
            let result = try camrecSucceeding(["info", "--json", recording])
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            return try decoder.decode(InfoJSON.self, from: Data(result.standardOutput.utf8))
        }

        static func monotonicNanoseconds() -> Int64 {
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
        }

        /// Starts a ring recording of vivid's capture node and waits until it records (its
        /// recorder.pid is there and it has had a second to stream).
        static func startRing(_ path: String, _ recording: String, trigger: String, seconds: Int) throws -> BackgroundProgram {
            let recorder = try BackgroundProgram([
                CamrecExecutable.path, "record", "-d", "\(path):320x180:YUYV", "-o", recording, "--ring", "1s",
                "--post", "500ms", "--trigger-on", trigger, "--duration", "\(seconds)",
            ])
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline, !FileManager.default.fileExists(atPath: recording + "/recorder.pid") {
                if recorder.wait(seconds: 0.1) != nil { break }
            }
            try #require(FileManager.default.fileExists(atPath: recording + "/recorder.pid"),
                         "the recorder did not start: \(recorder.standardError)")
            usleep(1_500_000)
            return recorder
        }

        @Test("sequence gaps from percentage_of_dropped_buffers, set to 80 for 2 s mid-run, are the events")
        func sequenceGapTriggersAtVividsDrops() throws {
            let path = try LabNodes.vividCapture()
            let device = try VideoDevice(path: path)
            try device.setControl("percentage_of_dropped_buffers", to: 0)
            let scratch = try ScratchFolder()
            let recording = scratch.file("gaps.camrec")
            let recorder = try Self.startRing(path, recording, trigger: "sequence-gap", seconds: 8)
            let on = Self.monotonicNanoseconds()
            try device.setControl("percentage_of_dropped_buffers", to: 80)
            usleep(2_000_000)
            try device.setControl("percentage_of_dropped_buffers", to: 0)
            let off = Self.monotonicNanoseconds()
            let result = recorder.finish(seconds: 90)
            try #require(result.status == 0, "record exited \(result.status): \(result.standardError)")

            let info = try Self.events(recording)
            #expect(!info.recordingOpen)
            let events = info.events
            #expect(!events.isEmpty, "no event while vivid dropped half its frames for 2 s")
            #expect(events.allSatisfy { $0.trigger == "sequence-gap" })
            // While the control was set, vivid skipped most frames: events there. (A frame dropped just before
            // it was cleared shows at the next one. Under TCG on a busy host vivid's capture thread also falls
            // behind now and then and skips a frame by itself: those are real gaps, and events too.)
            func missing(_ event: EventJSON) -> Int64 {
                Int64(event.detail.split(separator: " ").dropLast().last.map(String.init) ?? "") ?? 0
            }
            let during = events.filter { $0.timestampNs >= on && $0.timestampNs <= off + 500_000_000 }
            #expect(during.map(missing).reduce(0, +) >= 3, "during the drops: \(during.map(\.detail)); all: \(events.map(\.detail))")
            // Each event is a recorded buffer that follows a gap, and every gap inside a saved
            // window is an event: the events are the gaps.
            let frames = try recordedFrames(recording)
            #expect(!frames.isEmpty)
            // Windows that overlap merge, as camrec merges them (the step between two merged windows is a cut).
            var merged: [(start: Int64, end: Int64)] = []
            for event in events.sorted(by: { $0.windowStartNs < $1.windowStartNs }) {
                if let last = merged.indices.last, event.windowStartNs <= merged[last].end {
                    merged[last].end = max(merged[last].end, event.windowEndNs)
                } else {
                    merged.append((event.windowStartNs, event.windowEndNs))
                }
            }
            var afterGaps: [Int64: Int64] = [:]
            for (previous, next) in zip(frames, frames.dropFirst()) where next.sequence > previous.sequence + 1 {
                let inOneWindow = merged.contains { $0.start <= previous.timestampNs && next.timestampNs <= $0.end }
                if inOneWindow { afterGaps[next.sequence] = next.sequence - previous.sequence - 1 }
            }
            #expect(Set(events.compactMap(\.sequence)) == Set(afterGaps.keys), "events \(events.map(\.detail))")
            for event in events {
                guard let sequence = event.sequence, let missing = afterGaps[sequence] else { continue }
                #expect(event.detail.hasSuffix("\(missing) missing"), "\(event.detail)")
            }
            // Nothing outside the windows.
            for frame in frames {
                #expect(events.contains { $0.windowStartNs <= frame.timestampNs && frame.timestampNs <= $0.windowEndNs },
                        "sequence \(frame.sequence) is outside every window")
            }
            _ = try recordingInfoWithDrops(recording)
            #expect(try camrec(["verify", recording]).status == 0)
        }

        @Test("inject_v4l2_buf_flag_error pressed twice: error-buffer fires on exactly those two buffers")
        func errorBufferTriggersOnVividsErrorFlag() throws {
            let path = try LabNodes.vividCapture()
            let device = try VideoDevice(path: path)
            let scratch = try ScratchFolder()
            let recording = scratch.file("errors.camrec")
            let recorder = try Self.startRing(path, recording, trigger: "error-buffer", seconds: 7)
            try device.setControl("inject_v4l2_buf_flag_error", to: 1)
            usleep(2_500_000)
            try device.setControl("inject_v4l2_buf_flag_error", to: 1)
            let result = recorder.finish(seconds: 90)
            try #require(result.status == 0, "record exited \(result.status): \(result.standardError)")

            let events = try Self.events(recording).events
            #expect(events.count == 2, "\(events.map(\.detail))")
            #expect(events.allSatisfy { $0.trigger == "error-buffer" })
            let errors = try recordedFrames(recording, ["--status", "error"])
            #expect(errors.map(\.sequence) == events.compactMap(\.sequence))
            #expect(errors.map(\.timestampNs) == events.map(\.timestampNs))
            for frame in try recordedFrames(recording) {
                #expect(events.contains { $0.windowStartNs <= frame.timestampNs && frame.timestampNs <= $0.windowEndNs },
                        "sequence \(frame.sequence) is outside every window")
            }
            let info = try recordingInfo(recording)
            #expect(try info.stream(at: path).errors == 2)
        }
    }
}
