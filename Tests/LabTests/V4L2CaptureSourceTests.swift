import CamrecEngine
import CamrecStore
import Foundation
import Testing
import V4L2
import V4L2Vocabulary

/// Collects `count` buffers per stream from a source, copying their bytes and releasing each one
/// from another thread (as the recorder's compression workers do).
func collect(_ source: V4L2CaptureSource, perStream count: Int) throws -> [Int: [(metadata: FrameMetadata, bytes: [UInt8])]] {
    var collected: [Int: [(metadata: FrameMetadata, bytes: [UInt8])]] = [:]
    var idlePolls = 0
    let releases = DispatchGroup()
    while source.streams.contains(where: { (collected[$0.id]?.count ?? 0) < count }) {
        guard let buffers = try source.nextBuffers(timeoutMilliseconds: 2_000) else {
            Issue.record("source ended: \(source.endReason ?? "no reason")")
            break
        }
        if buffers.isEmpty {
            idlePolls += 1
            try #require(idlePolls < 15, "no buffers after \(idlePolls) polls")
        }
        for buffer in buffers {
            if (collected[buffer.streamID]?.count ?? 0) < count {
                var bytes: [UInt8] = []
                for plane in buffer.planeBytes { bytes.append(contentsOf: plane) }
                collected[buffer.streamID, default: []].append((buffer.metadata, bytes))
            }
            // Hands the buffer back to the driver from another thread, as the recorder does.
            let release = buffer.release
            DispatchQueue.global().async(group: releases) { release() }
        }
    }
    releases.wait()
    return collected
}

extension Lab {
    @Suite("V4L2CaptureSource")
    struct V4L2CaptureSourceTests {
        @Test func videoAndMetadataStreamsWithFullDescriptionsAndMetadata() throws {
            let videoPath = try LabNodes.vividCapture()
            let metaPath = try LabNodes.vividMetadataCapture()
            let source = try V4L2CaptureSource(nodes: [
                .init(path: videoPath, format: .init(width: 320, height: 180, fourcc: PixelFormat("YUYV")), bufferCount: 4),
                .init(path: metaPath, bufferCount: 4),
            ])
            #expect(source.streams.count == 2)
            let video = source.streams[0]
            #expect(video.name == videoPath.replacingOccurrences(of: "/dev/", with: ""))
            #expect(video.kind == .video)
            #expect(video.format.pixelFormat == PixelFormat("YUYV"))
            #expect(video.format.bufferType == .videoCapture)
            #expect(video.format.width == 320 && video.format.height == 180)
            #expect(video.format.planes == [PlaneLayout(bytesPerLine: 640, sizeImage: 640 * 180)])
            #expect(video.format.field == .none)
            #expect(video.format.colorspace != 0)
            #expect(video.device?.driver == "vivid")
            #expect(video.device?.path == videoPath)
            #expect(video.device?.busInfo.hasPrefix("platform:vivid") == true)
            let meta = source.streams[1]
            #expect(meta.kind == .meta)
            #expect(meta.name.hasPrefix("meta"))
            #expect(meta.format.pixelFormat == PixelFormat("UVCH"))
            #expect(meta.format.bufferType == .metaCapture)

            try source.start()
            defer { source.stop() }
            let collected = try collect(source, perStream: 4)
            for stream in source.streams {
                let buffers = try #require(collected[stream.id])
                #expect(buffers.count == 4)
                for (metadata, bytes) in buffers {
                    #expect(metadata.status == .ok)
                    #expect(metadata.timestamp.clock == .monotonic)
                    #expect(metadata.planes.count == 1)
                    #expect(bytes.count == Int(metadata.planes[0].bytesUsed))
                }
                let sequences = buffers.map(\.metadata.sequence)
                #expect(sequences == sequences.sorted())
            }
            let videoBuffers = try #require(collected[video.id])
            #expect(videoBuffers.allSatisfy { $0.metadata.planes[0].bytesUsed == 640 * 180 })
            #expect(videoBuffers.allSatisfy { $0.metadata.field == .none })
            source.stop()
            #expect(try source.nextBuffers(timeoutMilliseconds: 10) == nil)
            #expect(source.endReason == nil, "a stop is not an end")
        }

        @Test func adjustedFormatIsRefusedUnlessAccepted() throws {
            let path = try LabNodes.vividCapture()
            let request = V4L2CaptureSource.Node(path: path, format: .init(width: 333, height: 241, fourcc: PixelFormat("YUYV")))
            let error = #expect(throws: V4L2Error.self) { try V4L2CaptureSource(nodes: [request]) }
            #expect(error?.kind == .formatAdjusted)
            #expect(error?.description.contains("asked for 333x241 YUYV") == true)
            let accepted = try V4L2CaptureSource(nodes: [request], options: .init(acceptAdjustedFormat: true))
            #expect(accepted.streams[0].format.width != 333)
        }

        @Test func outputNodeIsTheWrongKindToRecord() throws {
            let error = #expect(throws: V4L2Error.self) {
                try V4L2CaptureSource(nodes: [.init(path: try LabNodes.vividOutput())])
            }
            #expect(error?.kind == .wrongNodeKind)
            #expect(error?.description.contains("capture") == true)
        }

        @Test func busyNodeGivesBusyError() throws {
            let path = try LabNodes.vividCapture()
            let owner = try VideoDevice(path: path)
            let queue = try owner.requireCaptureQueue()
            // Owning the queue's buffers makes this file handle the queue's owner until released.
            try queue.allocateBuffers(count: 2)
            defer { try? queue.releaseBuffers() }
            let error = #expect(throws: V4L2Error.self) { try V4L2CaptureSource(nodes: [.init(path: path)]) }
            #expect(error?.kind == .busy)
            #expect(error?.description.contains("EBUSY") == true)
        }

        @Test(.enabled(if: LabEnvironment.allowsDestructiveTests, "disconnects vivid: run alone with CAMREC_LAB_DESTRUCTIVE=1"))
        func disconnectEndsTheSourceWithAReason() throws {
            let path = try LabNodes.vividCapture()
            let source = try V4L2CaptureSource(nodes: [.init(path: path, format: .init(width: 320, height: 180, fourcc: PixelFormat("YUYV")))])
            try source.start()
            defer { source.stop() }
            _ = try collect(source, perStream: 2)
            try VideoDevice(path: path).setControl("disconnect", to: 0)
            var ended = false
            for _ in 0..<20 {
                guard let buffers = try source.nextBuffers(timeoutMilliseconds: 1_000) else {
                    ended = true
                    break
                }
                for buffer in buffers { buffer.release() }
            }
            #expect(ended)
            let reason = source.endReason ?? ""
            #expect(reason.contains(path) && reason.contains("disconnected") && reason.contains("after"), "\(reason)")
        }
    }
}
