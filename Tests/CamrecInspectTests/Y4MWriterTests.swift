import CamrecInspect
import CamrecStore
import Foundation
import Testing
import V4L2Vocabulary

@Suite("Y4M writer")
struct Y4MWriterTests {
    @Test("planar 4:2:0 rows are copied without their padding, in one plane or three")
    func planar420DropsRowPadding() throws {
        let folder = NSTemporaryDirectory() + "/camrec-y4m-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // 4x2 YU12 with 8-byte luma rows: Y rows at 0 and 8, U at 16 (stride 4), V at 20.
        let bytes = (0..<24).map { UInt8($0) }
        let expected = Array("FRAME\n".utf8) + [0, 1, 2, 3, 8, 9, 10, 11] + [16, 17] + [20, 21]
        let single = VideoFormat(bufferType: .videoCapture, pixelFormat: try #require(PixelFormat("YU12")), width: 4, height: 2,
                                  planes: [PlaneLayout(bytesPerLine: 8, sizeImage: 24)])
        let three = VideoFormat(bufferType: .videoCaptureMultiplanar, pixelFormat: try #require(PixelFormat("YM12")), width: 4, height: 2,
                                 planes: [PlaneLayout(bytesPerLine: 8, sizeImage: 16), PlaneLayout(bytesPerLine: 4, sizeImage: 4),
                                          PlaneLayout(bytesPerLine: 4, sizeImage: 4)])
        for (name, format, planes) in [("single", single, [bytes]),
                                       ("three", three, [Array(bytes[0..<16]), Array(bytes[16..<20]), Array(bytes[20..<24])])] {
            let path = folder + "/\(name).y4m"
            let writer = try Y4MWriter(path: path, replace: false, format: format, framesPerSecond: 30)
            try writer.append(planes: planes)
            try writer.close()
            let file = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
            let frame = try #require(file.firstIndex(of: 0x0A)).advanced(by: 1)
            #expect(Array(file[frame...]) == expected, "\(name)")
        }
    }
}
