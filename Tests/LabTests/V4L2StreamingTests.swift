import Foundation
import Testing
import V4L2
import V4L2Vocabulary

/// Dequeues `count` buffers from a streaming capture queue, re-queueing each after `inspect`.
func captureFrames(_ queue: BufferQueue, buffers: [FrameBuffer], count: Int,
                   inspect: (DequeuedBuffer, FrameBuffer) throws -> Void) throws {
    var captured = 0
    var waits = 0
    while captured < count {
        let events = try queue.waitUntilReady(timeoutMilliseconds: 5_000)
        #expect(!events.contains(.error), "poll reported an error")
        guard case .buffer(let dequeued) = try queue.dequeueBuffer() else {
            waits += 1
            try #require(waits < 20, "no buffer after \(waits) waits")
            continue
        }
        try inspect(dequeued, buffers[dequeued.index])
        captured += 1
        try queue.queueBuffer(buffers[dequeued.index])
    }
}

extension Lab {
    @Suite("V4L2 streaming")
    struct V4L2StreamingTests {
        @Test(arguments: CaptureCase.all)
        func mmapCaptureDeliversFilledBuffersInSequence(_ capture: CaptureCase) throws {
            let device = try VideoDevice(path: try capture.nodePath())
            let queue = try device.requireCaptureQueue()
            let format = try queue.setExactFormat(VideoFormat(bufferType: queue.type, pixelFormat: try #require(PixelFormat(capture.fourcc)),
                                                              width: capture.width, height: capture.height))
            // Allocation and mapping are separate steps: nothing is mapped until asked.
            #expect(try queue.allocateBuffers(count: 4).allSatisfy { $0.planes.allSatisfy { $0.mapping == nil } })
            let buffers = try queue.mapBuffers()
            #expect(buffers.count >= 2)
            #expect(buffers.allSatisfy { $0.planes.count == capture.expectedPlanes })
            for buffer in buffers { try queue.queueBuffer(buffer) }
            try queue.streamOn()
            defer { try? queue.streamOff() }
            var sequences: [UInt32] = []
            var timestamps: [Int64] = []
            try captureFrames(queue, buffers: buffers, count: 5) { dequeued, buffer in
                let metadata = dequeued.metadata
                #expect(metadata.status == .ok)
                #expect(metadata.timestamp.clock == .monotonic)
                #expect(metadata.planes.map(\.bytesUsed) == format.planes.map(\.sizeImage))
                let bytes = buffer.planes[0].prefix(Int(metadata.planes[0].bytesUsed))
                #expect(bytes.contains { $0 != 0 }, "the frame is not all zero")
                sequences.append(metadata.sequence)
                timestamps.append(metadata.timestamp.nanoseconds)
            }
            #expect(sequences == sequences.sorted() && Set(sequences).count == sequences.count)
            #expect(timestamps == timestamps.sorted())
        }

        @Test(arguments: CaptureCase.all)
        func dmabufImportFromVim2mIntoVividCapture(_ capture: CaptureCase) throws {
            let exporter = try VideoDevice(path: try LabNodes.vim2m())
            let exportQueue = try exporter.requireCaptureQueue()
            let device = try VideoDevice(path: try capture.nodePath())
            let queue = try device.requireCaptureQueue()
            let format = try queue.setExactFormat(VideoFormat(bufferType: queue.type, pixelFormat: try #require(PixelFormat(capture.fourcc)),
                                                              width: capture.width, height: capture.height))
            let granted = try queue.importBuffers(count: 3)
            let exported = try exportQueue.allocateBuffers(count: granted * capture.expectedPlanes)
            try #require(exported.count == granted * capture.expectedPlanes)
            var buffers: [FrameBuffer] = []
            for index in 0..<granted {
                var planes: [DMABuffer] = []
                for plane in 0..<capture.expectedPlanes {
                    planes.append(try exportQueue.exportDMABuffer(index: index * capture.expectedPlanes + plane, plane: 0))
                }
                #expect(planes.allSatisfy { $0.length >= format.planes.map(\.sizeImage).max() ?? 0 })
                buffers.append(try FrameBuffer(index: index, importing: planes))
            }
            for buffer in buffers { try queue.queueBuffer(buffer) }
            try queue.streamOn()
            defer { try? queue.streamOff() }
            try captureFrames(queue, buffers: buffers, count: 3) { dequeued, buffer in
                #expect(dequeued.metadata.status == .ok)
                #expect(dequeued.metadata.planes.map(\.bytesUsed) == format.planes.map(\.sizeImage))
                let bytes = buffer.planes[0].prefix(Int(dequeued.metadata.planes[0].bytesUsed))
                #expect(bytes.contains { $0 != 0 }, "vivid wrote into vim2m's buffer")
            }
        }

        @Test func metadataCaptureNodeStreamsVividMetadata() throws {
            let device = try VideoDevice(path: try LabNodes.vividMetadataCapture())
            let queue = try device.requireCaptureQueue()
            let format = try queue.currentFormat()
            // UVC metadata, as vivid emulates a UVC camera's metadata node.
            #expect(format.pixelFormat == PixelFormat("UVCH"))
            let buffers = try queue.allocateBuffers(count: 3)
            for buffer in buffers { try queue.queueBuffer(buffer) }
            try queue.streamOn()
            defer { try? queue.streamOff() }
            try captureFrames(queue, buffers: buffers, count: 3) { dequeued, _ in
                #expect(dequeued.metadata.status == .ok)
                #expect(dequeued.metadata.planes.count == 1)
                #expect(dequeued.metadata.planes[0].bytesUsed > 0)
                #expect(dequeued.metadata.planes[0].bytesUsed <= format.planes[0].sizeImage)
            }
        }

        @Test func exportWithoutBuffersSaysWhatToDo() throws {
            let queue = try VideoDevice(path: try LabNodes.vim2m()).requireCaptureQueue()
            let error = #expect(throws: V4L2Error.self) { try queue.exportDMABuffer(index: 0, plane: 0) }
            #expect(error?.description.contains("allocateBuffers") == true)
        }
    }
}
