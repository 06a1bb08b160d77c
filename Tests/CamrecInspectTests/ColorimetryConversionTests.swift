import CamrecInspect
import CamrecStore
import Foundation
import Testing
import V4L2Vocabulary

/// Export to RGB honours the recorded Y'CbCr encoding and quantization instead of assuming
/// BT.601 limited range.
@Suite("YCbCr to RGB with the recorded colorimetry")
struct ColorimetryConversionTests {
    /// A 2x2 NV12 frame of one colour.
    static func nv12(y: UInt8, cb: UInt8, cr: UInt8, ycbcr: UInt32, quantization: UInt32, colorspace: UInt32 = 8) -> (planes: [[UInt8]], format: VideoFormat) {
        let format = VideoFormat(bufferType: .videoCapture, pixelFormat: PixelFormat(rawValue: 0x3231_564E), width: 2, height: 2, field: .none,
                                  colorspace: colorspace, ycbcrEncoding: ycbcr, quantization: quantization,
                                  planes: [PlaneLayout(bytesPerLine: 2, sizeImage: 6)])
        return ([[y, y, y, y, cb, cr]], format)
    }

    static func firstPixel(_ frame: (planes: [[UInt8]], format: VideoFormat)) throws -> [Int] {
        let image = try RGBConverter.convert(planes: frame.planes, format: frame.format)
        return image.pixels.prefix(3).map(Int.init)
    }

    @Test func fullRangeBlackAndWhiteAreTheExtremes() throws {
        #expect(try Self.firstPixel(Self.nv12(y: 0, cb: 128, cr: 128, ycbcr: 2, quantization: 1)) == [0, 0, 0])
        #expect(try Self.firstPixel(Self.nv12(y: 255, cb: 128, cr: 128, ycbcr: 2, quantization: 1)) == [255, 255, 255])
        // Limited range: 16 is black and 235 white.
        #expect(try Self.firstPixel(Self.nv12(y: 16, cb: 128, cr: 128, ycbcr: 2, quantization: 2)) == [0, 0, 0])
        #expect(try Self.firstPixel(Self.nv12(y: 235, cb: 128, cr: 128, ycbcr: 2, quantization: 2)) == [255, 255, 255])
    }

    @Test func bt709UsesItsOwnMatrix() throws {
        let (y, cb, cr): (UInt8, UInt8, UInt8) = (128, 100, 180)
        let bt709 = try Self.firstPixel(Self.nv12(y: y, cb: cb, cr: cr, ycbcr: 2, quantization: 2))
        // BT.709 limited: R = Y' + 1.5748 Cr', G = Y' - 0.1873 Cb' - 0.4681 Cr', B = Y' + 1.8556 Cb'.
        let luma = (Double(y) - 16) / 219
        let blue = (Double(cb) - 128) / 224
        let red = (Double(cr) - 128) / 224
        let expected = [luma + 1.5748 * red, luma - 0.1873 * blue - 0.4681 * red, luma + 1.8556 * blue]
            .map { Int(max(0, min(255, ($0 * 255).rounded()))) }
        #expect(zip(bt709, expected).allSatisfy { abs($0 - $1) <= 1 }, "\(bt709) against \(expected)")
        // The same samples read as BT.601 (libv4lconvert) give another colour.
        let bt601 = try Self.firstPixel(Self.nv12(y: y, cb: cb, cr: cr, ycbcr: 1, quantization: 2))
        #expect(bt601 != bt709)
    }

    @Test func defaultEncodingFollowsTheColorspace() throws {
        // colorspace REC709 (3) with DEFAULT encoding and quantization is BT.709 limited range.
        let byColorspace = try Self.firstPixel(Self.nv12(y: 128, cb: 100, cr: 180, ycbcr: 0, quantization: 0, colorspace: 3))
        let explicit = try Self.firstPixel(Self.nv12(y: 128, cb: 100, cr: 180, ycbcr: 2, quantization: 2, colorspace: 3))
        #expect(byColorspace == explicit)
    }
}
