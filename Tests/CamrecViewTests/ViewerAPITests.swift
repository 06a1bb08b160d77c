import CamrecEngine
import CamrecInspect
import CamrecStore
import Foundation
import Testing
@testable import CamrecView

/// The viewer's API answers what `camrec frames` answers: the same drops, errors and rows.
@Suite struct ViewerAPITests {
    /// 40 buffers per stream of the synthetic camera with a driver drop every 6 frames and an
    /// error buffer every 7.
    static func recording() throws -> String {
        let folder = NSTemporaryDirectory() + "camrec-view-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var options = SyntheticCamera.Options()
        options.mainWidth = 64
        options.mainHeight = 48
        options.previewWidth = 32
        options.previewHeight = 16
        options.unpaced = true
        options.dropEvery = 6
        options.errorEvery = 7
        var recorder = Recorder.Options(outputPath: folder + "/synthetic.camrec")
        recorder.frameLimit = 40
        recorder.workers = 2
        return try Recorder(source: SyntheticCamera(options: options), options: recorder).run().path
    }

    @Test func markersAreWhereFramesAfterGapAndStatusErrorSayTheyAre() throws {
        let path = try Self.recording()
        let viewed = try ViewedRecording(path: path, overviewJSON: "{}")
        let reader = try RecordingReader(path: path)
        let markers = RecordingAPI(recording: viewed).markers()
        for stream in reader.streams {
            let gaps = try FrameQuery.run(FrameFilter(streamID: stream.id, afterGap: true), on: reader)
            let errors = try FrameQuery.run(FrameFilter(streamID: stream.id, status: .error), on: reader)
            let lane = try #require(markers.first { $0.streamID == stream.id })
            #expect(lane.driverDrops.map { Int64($0.sequence) } == gaps.map(\.sequence))
            #expect(lane.driverDrops.map { Int64($0.missing ?? 0) } == gaps.map { $0.missingBefore ?? 0 })
            #expect(lane.errors.map { Int64($0.sequence) } == errors.map(\.sequence))
        }
        #expect(markers.contains { !$0.driverDrops.isEmpty })
        #expect(markers.contains { !$0.errors.isEmpty })
    }

    @Test func summaryCountsEveryBufferDropAndErrorOnce() throws {
        let path = try Self.recording()
        let viewed = try ViewedRecording(path: path, overviewJSON: "{}")
        let reader = try RecordingReader(path: path)
        let range = try #require(viewed.timeRange)
        for stream in reader.streams {
            let summary = try RecordingAPI(recording: viewed).summary(stream: stream.name, from: range.lowerBound,
                                                                      to: range.upperBound + 1, buckets: 7)
            let all = try FrameQuery.run(FrameFilter(streamID: stream.id), on: reader)
            let gaps = try FrameQuery.run(FrameFilter(streamID: stream.id, afterGap: true), on: reader)
            #expect(summary.buckets.count == 7)
            #expect(summary.buffers == all.count)
            #expect(summary.buckets.reduce(0) { $0 + $1.errors } == all.filter { $0.status == .error }.count)
            #expect(summary.buckets.reduce(0) { $0 + $1.driverDrops } == Int(gaps.reduce(0) { $0 + ($1.missingBefore ?? 0) }))
        }
    }

    @Test func summaryOfTheWidestWindowDoesNotTrap() throws {
        let path = try Self.recording()
        let viewed = try ViewedRecording(path: path, overviewJSON: "{}")
        let reader = try RecordingReader(path: path)
        let stream = try #require(reader.streams.first)
        let summary = try RecordingAPI(recording: viewed).summary(stream: stream.name, from: .min, to: .max, buckets: 8192)
        #expect(summary.buffers == (try FrameQuery.run(FrameFilter(streamID: stream.id), on: reader)).count)
        #expect(summary.buckets.first?.start == .min)
        #expect(zip(summary.buckets, summary.buckets.dropFirst()).allSatisfy { $0.start <= $1.start })
        #expect(throws: ViewerError.self) {
            try RecordingAPI(recording: viewed).summary(stream: stream.name, from: 5, to: 5, buckets: 10)
        }
        #expect(throws: ViewerError.self) {
            try RecordingAPI(recording: viewed).summary(stream: stream.name, from: 0, to: 5, buckets: 0)
        }
    }

    @Test func bufferRowsAreFramesRowsWithinTheWindow() throws {
        let path = try Self.recording()
        let viewed = try ViewedRecording(path: path, overviewJSON: "{}")
        let reader = try RecordingReader(path: path)
        let stream = try #require(reader.streams.first)
        let all = try FrameQuery.run(FrameFilter(streamID: stream.id), on: reader)
        let from = all[5].timestampNanoseconds, to = all[12].timestampNanoseconds
        let rows = try RecordingAPI(recording: viewed).buffers(stream: stream.name, from: from, to: to, limit: 100)
        #expect(rows.map(\.sequence) == all[5...12].map(\.sequence))
        #expect(rows.map(\.bytesused) == all[5...12].map(\.bytesUsed))
        #expect(throws: ViewerError.self) { try RecordingAPI(recording: viewed).buffers(stream: "nope", from: 0, to: 1, limit: 1) }
    }

    @Test func framePNGIsWhatExportWrites() throws {
        let path = try Self.recording()
        let viewed = try ViewedRecording(path: path, overviewJSON: "{}")
        let reader = try RecordingReader(path: path)
        let exporter = FrameExporter(reader: reader)
        let stream = try #require(reader.streams.first { $0.kind == .video })
        let buffer = try #require(try reader.buffers(streamID: stream.id).first { $0.metadata.status == .ok })
        let api = RecordingAPI(recording: viewed)
        #expect(try api.png(stream: stream.name, sequence: buffer.metadata.sequence, plane: nil)
                == exporter.fileBytes(buffer, of: stream, as: .png))
        let luma = try api.png(stream: stream.name, sequence: buffer.metadata.sequence, plane: 0)
        #expect(luma.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(throws: ViewerError.self) { try api.png(stream: stream.name, sequence: buffer.metadata.sequence, plane: 9) }
    }
}
