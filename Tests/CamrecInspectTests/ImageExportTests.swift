import CamrecInspect
import CamrecStore
import Foundation
import Testing

/// PPM and PNG export of NV12, YUYV, RGB24 and Bayer GRBG8, each checked against RGB computed
/// here, from the raw bytes, without libv4lconvert.
@Suite struct ImageExportTests {
    static let width = 32
    static let height = 16

    /// Luma a smooth ramp; U varies along x and V along y, so swapped chroma shows at once.
    static func sample(x: Int, y: Int) -> (y: Int, u: Int, v: Int) {
        (40 + x * 3 + y * 4, 128 + (x / 2 % 16) * 2 - 16, 128 + (y / 2 % 8) * 4 - 16)
    }

    /// Full-range BT.601 (JFIF), the textbook conversion.
    static func rgb(y: Int, u: Int, v: Int) -> [Int] {
        let luma = Double(y), cb = Double(u - 128), cr = Double(v - 128)
        return [luma + 1.402 * cr, luma - 0.344136 * cb - 0.714136 * cr, luma + 1.772 * cb]
            .map { max(0, min(255, Int($0.rounded()))) }
    }

    static func nv12Frame() -> (raw: [UInt8], reference: [Int]) {
        var raw = [UInt8](repeating: 0, count: width * height * 3 / 2)
        var reference: [Int] = []
        for y in 0..<height {
            for x in 0..<width {
                raw[y * width + x] = UInt8(sample(x: x, y: y).y)
            }
        }
        for y in 0..<(height / 2) {
            for x in 0..<(width / 2) {
                let chroma = sample(x: x * 2, y: y * 2)
                raw[width * height + y * width + x * 2] = UInt8(chroma.u)
                raw[width * height + y * width + x * 2 + 1] = UInt8(chroma.v)
            }
        }
        for y in 0..<height {
            for x in 0..<width {
                let chroma = sample(x: x / 2 * 2, y: y / 2 * 2)
                reference += rgb(y: sample(x: x, y: y).y, u: chroma.u, v: chroma.v)
            }
        }
        return (raw, reference)
    }

    static func yuyvFrame() -> (raw: [UInt8], reference: [Int]) {
        var raw: [UInt8] = []
        var reference: [Int] = []
        for y in 0..<height {
            for x in stride(from: 0, to: width, by: 2) {
                let chroma = sample(x: x, y: y)
                let first = sample(x: x, y: y).y, second = sample(x: x + 1, y: y).y
                raw += [UInt8(first), UInt8(chroma.u), UInt8(second), UInt8(chroma.v)]
                reference += rgb(y: first, u: chroma.u, v: chroma.v) + rgb(y: second, u: chroma.u, v: chroma.v)
            }
        }
        return (raw, reference)
    }

    static func truth(x: Int, y: Int) -> [Int] {
        [60 + 3 * x, 80 + 2 * y + x, 120 + 2 * x + y]
    }

    static func rgbFrame() -> (raw: [UInt8], reference: [Int]) {
        var reference: [Int] = []
        for y in 0..<height { for x in 0..<width { reference += truth(x: x, y: y).map { ($0 * 7 + y) % 256 } } }
        return (reference.map { UInt8($0) }, reference)
    }

    /// GRBG: even rows G R G R, odd rows B G B G, sampled from a smooth (linear) scene, so the
    /// bilinear demosaic of the interior gives the scene back.
    static func bayerFrame() -> (raw: [UInt8], reference: [Int]) {
        var raw: [UInt8] = []
        var reference: [Int] = []
        for y in 0..<height {
            for x in 0..<width {
                let colour = truth(x: x, y: y)
                let channel = y % 2 == 0 ? (x % 2 == 0 ? 1 : 0) : (x % 2 == 0 ? 2 : 1)
                raw.append(UInt8(colour[channel]))
                reference += colour
            }
        }
        return (raw, reference)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var fourcc: String
        var bytesPerLine: Int
        /// Largest difference per channel allowed (libv4lconvert uses integer approximations).
        var tolerance: Int
        /// Pixels this far from the edge are not compared (demosaic borders).
        var border: Int
        var testDescription: String { fourcc }
    }

    static let cases: [Case] = [
        Case(fourcc: "NV12", bytesPerLine: width, tolerance: 6, border: 0),
        Case(fourcc: "YUYV", bytesPerLine: width * 2, tolerance: 6, border: 0),
        Case(fourcc: "RGB3", bytesPerLine: width * 3, tolerance: 0, border: 0),
        Case(fourcc: "GRBG", bytesPerLine: width, tolerance: 2, border: 2),
    ]

    static func frame(for fourcc: String) -> (raw: [UInt8], reference: [Int]) {
        switch fourcc {
        case "NV12": nv12Frame()
        case "YUYV": yuyvFrame()
        case "RGB3": rgbFrame()
        default: bayerFrame()
        }
    }

    @Test(arguments: cases)
    func ppmAndPngMatchAnIndependentReference(_ format: Case) throws {
        let folder = try Fixtures.temporaryFolder()
        let (raw, reference) = Self.frame(for: format.fourcc)
        let recording = try Fixtures.singleStreamRecording(
            in: folder, name: "cam", fourcc: format.fourcc, width: UInt32(Self.width), height: UInt32(Self.height),
            bytesPerLine: UInt32(format.bytesPerLine), frames: [raw, raw])

        let ppm = folder + "/frame.ppm"
        let png = folder + "/frame.png"
        let rawPath = folder + "/frame.raw"
        for path in [ppm, png, rawPath] {
            let run = try Fixtures.camrec(["export", recording, "--stream", "cam", "--sequence", "1", "-o", path])
            #expect(run.status == 0, "\(run.standardError)")
        }
        #expect(try Array(Data(contentsOf: URL(fileURLWithPath: rawPath))) == raw)

        let header = Array("P6\n\(Self.width) \(Self.height)\n255\n".utf8)
        let ppmBytes = try Array(Data(contentsOf: URL(fileURLWithPath: ppm)))
        #expect(Array(ppmBytes.prefix(header.count)) == header)
        let pixels = Array(ppmBytes.dropFirst(header.count))
        #expect(pixels.count == Self.width * Self.height * 3)
        var worst = 0
        for y in format.border..<(Self.height - format.border) {
            for x in format.border..<(Self.width - format.border) {
                for channel in 0..<3 {
                    let index = (y * Self.width + x) * 3 + channel
                    worst = max(worst, abs(Int(pixels[index]) - reference[index]))
                }
            }
        }
        #expect(worst <= format.tolerance, "\(format.fourcc): largest channel difference \(worst)")

        // The PNG holds the same pixels as the PPM (decoded here with Python's zlib, no libpng).
        let decoded = try PNGDecoding.pixels(of: png)
        #expect(decoded.width == Self.width && decoded.height == Self.height)
        #expect(decoded.rgb == pixels)
    }

    @Test func metadataStreamsAreRefusedAsImages() throws {
        let folder = try Fixtures.temporaryFolder()
        let recording = try Fixtures.syntheticRecording(in: folder)
        let run = try Fixtures.camrec(["export", recording, "--stream", "meta", "--sequence", "0", "-o", folder + "/m.png"])
        #expect(run.status != 0)
        #expect(run.standardError.contains("metadata stream"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/m.png"))
    }

    @Test func existingOutputIsNotOverwrittenWithoutForce() throws {
        let folder = try Fixtures.temporaryFolder()
        let recording = try Fixtures.syntheticRecording(in: folder)
        let path = folder + "/exists.raw"
        try Data("keep".utf8).write(to: URL(fileURLWithPath: path))
        let run = try Fixtures.camrec(["export", recording, "--stream", "main", "--sequence", "0", "-o", path])
        #expect(run.status != 0)
        #expect(run.standardError.contains("--force"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep")
    }

    @Test func allBuffersOfAStreamAndY4M() throws {
        let folder = try Fixtures.temporaryFolder()
        let recording = try Fixtures.syntheticRecording(in: folder)
        let reader = try RecordingReader(path: recording)
        let buffers = try reader.buffers(streamID: 2)
        let run = try Fixtures.camrec(["export", recording, "--stream", "preview", "--all", "-o", folder + "/p-{sequence}.ppm"])
        #expect(run.status == 0, "\(run.standardError)")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix("p-") }
        #expect(files.count == buffers.count)

        let y4m = folder + "/main.y4m"
        let y4mRun = try Fixtures.camrec(["export", recording, "--stream", "main", "-o", y4m])
        #expect(y4mRun.status == 0, "\(y4mRun.standardError)")
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: y4m)))
        let headerEnd = try #require(bytes.firstIndex(of: 0x0A))
        let header = String(decoding: bytes[..<headerEnd], as: UTF8.self)
        #expect(header.hasPrefix("YUV4MPEG2 W64 H48 F"))
        #expect(header.contains("C420mpeg2"))
        let frameBytes = 6 + 64 * 48 * 3 / 2
        #expect(bytes.count == headerEnd + 1 + frameBytes * 30)
        // The first frame's luma is the recorded luma, byte for byte.
        let mainFirst = try reader.readBuffer(try #require(try reader.buffers(streamID: 1).first))
        #expect(Array(bytes[(headerEnd + 7)..<(headerEnd + 7 + 64 * 48)]) == Array(mainFirst.prefix(64 * 48)))
        if let ffprobe = Fixtures.which("ffprobe") {
            let probe = try Fixtures.run(executable: ffprobe, ["-v", "error", "-count_frames", "-show_entries",
                                                               "stream=nb_read_frames", "-of", "csv=p=0", y4m])
            #expect(probe.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "30")
        }
    }
}

/// Decodes an 8-bit RGB PNG with python3's zlib and the five PNG row filters.
enum PNGDecoding {
    static let script = #"""
import sys, zlib, struct
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n'
pos, idat = 8, b''
while pos < len(data):
    length, kind = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b'IHDR':
        width, height, depth, colour = struct.unpack('>IIBB', body[:10])
        assert depth == 8 and colour == 2
    elif kind == b'IDAT':
        idat += body
    pos += 12 + length
raw = zlib.decompress(idat)
stride = width * 3
out, previous, p = bytearray(), bytearray(stride), 0
for row in range(height):
    kind = raw[p]; line = bytearray(raw[p + 1:p + 1 + stride]); p += 1 + stride
    for i in range(stride):
        a = line[i - 3] if i >= 3 else 0
        b = previous[i]
        c = previous[i - 3] if i >= 3 else 0
        if kind == 1: line[i] = (line[i] + a) & 255
        elif kind == 2: line[i] = (line[i] + b) & 255
        elif kind == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif kind == 4:
            pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    out += line; previous = line
sys.stdout.write('%d %d\n%s' % (width, height, out.hex()))
"""#

    static func pixels(of path: String) throws -> (width: Int, height: Int, rgb: [UInt8]) {
        guard let python = Fixtures.which("python3") else { throw FixtureError("python3 is needed to decode PNGs") }
        let run = try Fixtures.run(executable: python, ["-c", script, path])
        let lines = run.standardOutput.split(separator: "\n", maxSplits: 1)
        guard lines.count == 2 else { throw FixtureError("PNG decode failed: \(run.standardError)") }
        let size = lines[0].split(separator: " ").compactMap { Int($0) }
        var bytes: [UInt8] = []
        var index = lines[1].startIndex
        while index < lines[1].endIndex {
            let next = lines[1].index(index, offsetBy: 2)
            bytes.append(UInt8(lines[1][index..<next], radix: 16) ?? 0)
            index = next
        }
        return (size[0], size[1], bytes)
    }
}
