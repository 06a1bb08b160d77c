import Foundation
import Testing
import V4L2Vocabulary

/// The vocabulary's values encode as the chunks' JSON has carried them since camrec 0.1.0, so a
/// recording written before the vocabulary module still recovers.
@Suite struct VocabularyCodingTests {
    @Test func bigEndianPixelFormatKeepsItsBitThroughText() throws {
        let y16BE = PixelFormat(rawValue: 0x2036_3159 | PixelFormat.bigEndianFlag)
        #expect(y16BE.description == "Y16-BE")
        #expect(PixelFormat("Y16-BE") == y16BE && PixelFormat("Y16 -BE") == y16BE && PixelFormat("Y16") != y16BE)
        #expect(PixelFormat.nv12.description == "NV12" && PixelFormat("NV12") == .nv12)
        #expect(PixelFormat("TOOLONG") == nil && PixelFormat("") == nil)
    }

    @Test func streamDescriptionWithoutColorimetryDecodesAsDefault() throws {
        // A stream format as camrec 0.1.0 wrote it into a chunk: no fourccCode, no colorimetry.
        let json = #"{"bufferType":1,"fourcc":"NV12","width":64,"height":48,"field":1,"colorspace":8,"planes":[{"bytesPerLine":64,"sizeImage":4608}]}"#
        let format = try JSONDecoder().decode(VideoFormat.self, from: Data(json.utf8))
        #expect(format == VideoFormat(bufferType: .videoCapture, pixelFormat: .nv12, width: 64, height: 48, field: .none,
                                      colorspace: 8, planes: [PlaneLayout(bytesPerLine: 64, sizeImage: 4608)]))
    }

    @Test func formatRoundTripsWithItsCodeAndColorimetry() throws {
        let format = VideoFormat(bufferType: .videoCaptureMultiplanar, pixelFormat: PixelFormat(rawValue: 0x2036_3159 | 0x8000_0000),
                                 width: 8, height: 2, field: .interlaced, colorspace: 1, ycbcrEncoding: 2, quantization: 2,
                                 transferFunction: 1, flags: 2, planes: [PlaneLayout(bytesPerLine: 16, sizeImage: 32)])
        let decoded = try JSONDecoder().decode(VideoFormat.self, from: JSONEncoder().encode(format))
        #expect(decoded == format)
    }

    @Test func unknownBufferTypeIsRefused() {
        let json = #"{"bufferType":42,"fourcc":"NV12","width":64,"height":48,"field":1,"colorspace":8,"planes":[]}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(VideoFormat.self, from: Data(json.utf8)) }
    }

    /// Control values were `Data` in camrec's JSON (base64 text); they read back as the same bytes.
    @Test func controlBytesReadAsFoundationWroteThem() throws {
        for count in 0..<40 {
            let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            struct Legacy: Codable { var bytes: [String: Data] }
            let legacy = try JSONEncoder().encode(Legacy(bytes: ["_0": Data(bytes)]))
            #expect(try JSONDecoder().decode(ControlValue.self, from: legacy) == .bytes(bytes))
            let ours = try JSONEncoder().encode(ControlValue.bytes(bytes))
            #expect(try JSONDecoder().decode(Legacy.self, from: ours).bytes["_0"] == Data(bytes))
        }
        let integer = try JSONDecoder().decode(ControlValue.self, from: Data(#"{"integer":{"_0":-5}}"#.utf8))
        #expect(integer == .integer(-5))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ControlValue.self, from: Data(#"{"bytes":{"_0":"AB=C"}}"#.utf8))
        }
    }

    @Test func namesAreV4L2CtlNames() {
        #expect(Field.none.description == "none" && Field.interlacedTopBottom.description == "interlaced-tb")
        #expect(FormatNames.colorspace(8) == "srgb" && FormatNames.quantization(2) == "lim-range")
        #expect(FormatNames.colorspace(99) == "99")
        #expect(ControlType.menu.description == "menu" && ControlType(rawValue: 0x300).description == "type 768")
    }
}
