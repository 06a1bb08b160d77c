import CamrecInspect
import CamrecStore
import Testing
import V4L2Vocabulary

@Suite("Planar YUV 4:2:0")
struct PlanarYUV420Tests {
    /// A 4x4 picture: Y 0...15, Cb 100...103, Cr 200...203.
    static let luma = (0..<16).map { UInt8($0) }
    static let cb: [UInt8] = [100, 101, 102, 103]
    static let cr: [UInt8] = [200, 201, 202, 203]
    static let expected = luma + cb + cr

    static func format(_ fourcc: String, bufferType: BufferType = .videoCapture, bytesPerLine: [UInt32]) throws -> VideoFormat {
        VideoFormat(bufferType: bufferType, pixelFormat: try #require(PixelFormat(fourcc)), width: 4, height: 4,
                     planes: bytesPerLine.map { PlaneLayout(bytesPerLine: $0, sizeImage: 0) })
    }

    /// `rows` of `width` bytes each padded to `stride`.
    static func padded(_ bytes: [UInt8], width: Int, stride rowStride: Int) -> [UInt8] {
        Swift.stride(from: 0, to: bytes.count, by: width).flatMap { Array(bytes[$0..<($0 + width)]) + [UInt8](repeating: 0xEE, count: rowStride - width) }
    }

    static func interleaved(_ first: [UInt8], _ second: [UInt8]) -> [UInt8] {
        zip(first, second).flatMap { [$0, $1] }
    }

    @Test("every 4:2:0 layout of one picture gives the same planes")
    func everyLayoutGivesTheSamePlanes() throws {
        let cases: [(String, VideoFormat, [[UInt8]])] = [
            ("NV12", try Self.format("NV12", bytesPerLine: [4]), [Self.luma + Self.interleaved(Self.cb, Self.cr)]),
            ("NV12 padded", try Self.format("NV12", bytesPerLine: [8]),
             [Self.padded(Self.luma + Self.interleaved(Self.cb, Self.cr), width: 4, stride: 8)]),
            ("NV21", try Self.format("NV21", bytesPerLine: [4]), [Self.luma + Self.interleaved(Self.cr, Self.cb)]),
            ("NM12", try Self.format("NM12", bufferType: .videoCaptureMultiplanar, bytesPerLine: [8, 4]),
             [Self.padded(Self.luma, width: 4, stride: 8), Self.interleaved(Self.cb, Self.cr)]),
            ("YU12", try Self.format("YU12", bytesPerLine: [4]), [Self.luma + Self.cb + Self.cr]),
            ("YV12", try Self.format("YV12", bytesPerLine: [4]), [Self.luma + Self.cr + Self.cb]),
            ("YM12", try Self.format("YM12", bufferType: .videoCaptureMultiplanar, bytesPerLine: [4, 2, 2]), [Self.luma, Self.cb, Self.cr]),
        ]
        for (name, format, planes) in cases {
            let picture = try PlanarYUV420(planes: planes, format: format)
            #expect(picture.bytes == Self.expected, "\(name)")
        }
    }

    @Test("a buffer too short for its format is refused with both sizes")
    func shortBufferIsRefused() throws {
        let format = try Self.format("NV12", bytesPerLine: [4])
        #expect {
            try PlanarYUV420(planes: [Array(Self.luma.prefix(10))], format: format)
        } throws: { error in
            "\(error)".contains("holds 10 bytes") && "\(error)".contains("24 needed")
        }
    }
}
