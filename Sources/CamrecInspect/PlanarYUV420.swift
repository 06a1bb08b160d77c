import CamrecStore
import V4L2Vocabulary

/// A 4:2:0 YUV picture as three planes without row padding: Y (width x height), then Cb, then Cr
/// (width/2 x (height+1)/2 each). It is the layout V4L2 calls YU12 (YUV420) with bytesperline equal
/// to the width, and what a y4m C420 frame holds.
///
/// It is made from any 4:2:0 layout V4L2 records (NV12, NV21, NV12M, NV21M, YU12, YV12, YUV420M,
/// YVU420M, rows with or without padding) by moving bytes only, with no colour maths, so it loses
/// nothing: one picture recorded in two 4:2:0 layouts gives equal planes. `.y4m` export writes it and
/// `camrec diff` compares two 4:2:0 streams of different layouts in it.
public struct PlanarYUV420: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// Y, Cb and Cr, one after the other, rows without padding.
    public var bytes: [UInt8]

    /// The recorded fourccs it is made from.
    public static let sourceFourCCs: Set<String> = ["NV12", "NV21", "NM12", "NM21", "YU12", "YV12", "YM12", "YM21"]

    /// Re-lays out one buffer: `planes` are the payloads of its planes (data offsets skipped), in
    /// `format`. Sizes come from a recording's index, so each is checked before any byte is read.
    public init(planes: [[UInt8]], format: VideoFormat) throws(ConversionFailure) {
        let fourcc = format.pixelFormat.description
        let semiPlanar: Bool
        let swapChroma: Bool
        switch fourcc {
        case "NV12", "NM12": (semiPlanar, swapChroma) = (true, false)
        case "NV21", "NM21": (semiPlanar, swapChroma) = (true, true)
        case "YU12", "YM12": (semiPlanar, swapChroma) = (false, false)
        case "YV12", "YM21": (semiPlanar, swapChroma) = (false, true)
        default: throw ConversionFailure("\(fourcc) is not a 4:2:0 YUV format")
        }
        let width = Int(format.width)
        let height = Int(format.height)
        // The same bound as RGBConverter: no camera makes larger images, and it keeps every size
        // product below a few terabytes, far from Int overflow.
        guard (2...16384).contains(width), (1...16384).contains(height), width % 2 == 0 else {
            throw ConversionFailure("the stream's size \(width)x\(height) has no 4:2:0 layout (an even width up to 16384 is needed)")
        }
        let chromaWidth = width / 2
        let chromaHeight = (height + 1) / 2
        let lumaStride = max(Int(format.planes.first?.bytesPerLine ?? 0), width)
        // Each plane of a multi-planar format has its own bytesperline; one plane holds them all at
        // the luma stride (NV12: interleaved CbCr rows) or half of it (YU12).
        let chromaStrides: [Int]
        if format.planes.count > 1 {
            chromaStrides = format.planes.dropFirst().map { max(Int($0.bytesPerLine), semiPlanar ? width : chromaWidth) }
        } else {
            chromaStrides = semiPlanar ? [lumaStride] : [max(lumaStride / 2, chromaWidth), max(lumaStride / 2, chromaWidth)]
        }
        guard chromaStrides.count == (semiPlanar ? 1 : 2) else {
            throw ConversionFailure("\(fourcc) has \(format.planes.count) planes in the recorded format; it needs 1 or \(semiPlanar ? 2 : 3)")
        }

        // Where each plane starts: in its own buffer plane when the buffer has one per plane, else
        // one after the other in a single buffer.
        let separate = planes.count == format.planes.count && planes.count > 1
        let bytes = separate ? [] : (planes.count == 1 ? planes[0] : planes.flatMap { $0 })
        struct Region {
            var source: Int
            var start: Int
            var stride: Int
            var rowBytes: Int
            var rows: Int
        }
        var regions = [Region(source: 0, start: 0, stride: lumaStride, rowBytes: width, rows: height)]
        var next = lumaStride * height
        for (index, stride) in chromaStrides.enumerated() {
            let rowBytes = semiPlanar ? width : chromaWidth
            regions.append(Region(source: separate ? index + 1 : 0, start: separate ? 0 : next, stride: stride,
                                  rowBytes: rowBytes, rows: chromaHeight))
            next += stride * chromaHeight
        }
        func end(_ region: Region) -> Int { region.start + region.stride * (region.rows - 1) + region.rowBytes }
        if separate {
            for (index, region) in regions.enumerated() where planes[index].count < end(region) {
                throw ConversionFailure("plane \(index) holds \(planes[index].count) bytes, too few for \(fourcc) "
                                        + "\(width)x\(height) (\(end(region)) needed at \(region.stride) bytes per line)")
            }
        } else if let needed = regions.map(end).max(), bytes.count < needed {
            throw ConversionFailure("a buffer holds \(bytes.count) bytes, too few for \(fourcc) \(width)x\(height) "
                                    + "(\(needed) needed at \(lumaStride) bytes per line)")
        }

        var output = [UInt8]()
        output.reserveCapacity(width * height + 2 * chromaWidth * chromaHeight)
        func copyRows(_ region: Region) {
            let source = separate ? planes[region.source] : bytes
            for row in 0..<region.rows {
                let start = region.start + row * region.stride
                output += source[start..<(start + region.rowBytes)]
            }
        }
        copyRows(regions[0])
        if semiPlanar {
            // Interleaved CbCr (NV12) or CrCb (NV21) pairs, split into two planes.
            let source = separate ? planes[regions[1].source] : bytes
            var first = [UInt8](), second = [UInt8]()
            first.reserveCapacity(chromaWidth * chromaHeight)
            second.reserveCapacity(chromaWidth * chromaHeight)
            for row in 0..<chromaHeight {
                let start = regions[1].start + row * regions[1].stride
                for column in 0..<chromaWidth {
                    first.append(source[start + 2 * column])
                    second.append(source[start + 2 * column + 1])
                }
            }
            output += swapChroma ? second : first
            output += swapChroma ? first : second
        } else {
            copyRows(regions[swapChroma ? 2 : 1])
            copyRows(regions[swapChroma ? 1 : 2])
        }
        self.width = width
        self.height = height
        self.bytes = output
    }
}
