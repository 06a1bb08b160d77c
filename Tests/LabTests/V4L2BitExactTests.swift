import CamrecEngine
import CamrecStore
import Foundation
import Testing
import V4L2
import V4L2Vocabulary

/// A memory strategy for the bit-exact comparison.
enum MemoryCase: String, CaseIterable, Sendable {
    case mmap
    case dmabuf
}

extension Lab {
    @Suite("Bit-exact against v4l2-ctl")
    struct V4L2BitExactTests {
        /// With OSD text off, vivid's frames are deterministic: what V4L2CaptureSource delivers must
        /// be byte for byte what `v4l2-ctl --stream-mmap --stream-to` writes for the same node and format.
        @Test(arguments: CaptureCase.all, MemoryCase.allCases)
        func captureSourceMatchesV4l2Ctl(_ capture: CaptureCase, _ memory: MemoryCase) throws {
            let path = try capture.nodePath()
            try makeVividDeterministic(path)
            let frames = 3
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("camrec-lab-\(UUID().uuidString).raw")
            defer { try? FileManager.default.removeItem(at: file) }
            let result = try runProgram([
                "v4l2-ctl", "-d", path,
                "--set-fmt-video=width=\(capture.width),height=\(capture.height),pixelformat=\(capture.fourcc)",
                "--stream-mmap", "--stream-count=\(frames)", "--stream-to=\(file.path)",
            ])
            try #require(result.status == 0, "v4l2-ctl failed: \(result.output)")
            let reference = try Data(contentsOf: file)

            let nodeMemory: V4L2CaptureSource.CaptureMemory =
                memory == .mmap ? .mmap : .dmabuf(exporterPath: try LabNodes.vim2m())
            let source = try V4L2CaptureSource(nodes: [
                .init(path: path, format: .init(width: capture.width, height: capture.height, fourcc: PixelFormat(capture.fourcc)),
                      bufferCount: 3, memory: nodeMemory),
            ])
            let frameSize = source.streams[0].format.planes.reduce(0) { $0 + Int($1.sizeImage) }
            #expect(source.streams[0].format.planes.count == capture.expectedPlanes)
            try #require(reference.count == frameSize * frames,
                         "v4l2-ctl wrote \(reference.count) bytes, expected \(frames) frames of \(frameSize)")
            try source.start()
            defer { source.stop() }
            let captured = try #require(try collect(source, perStream: frames)[source.streams[0].id])
            #expect(captured.count == frames)
            for (index, frame) in captured.enumerated() {
                let expected = reference[(index * frameSize)..<((index + 1) * frameSize)]
                #expect(frame.bytes.count == frameSize)
                #expect(frame.bytes.elementsEqual(expected), "frame \(index) differs from v4l2-ctl's")
            }
        }
    }
}
