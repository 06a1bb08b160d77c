import CamrecInspect
import CamrecStore

/// One colour component of a YUV frame (Y, U or V) as a greyscale image, at the component's
/// own resolution: what the frame view's plane buttons show. 4:2:0 layouts go through
/// `PlanarYUV420` (the re-layout `.y4m` export makes); packed 4:2:2 and GREY are read directly.
enum PlaneView {
    /// How many components `fourcc` has views for (0: none).
    static func componentCount(fourcc: String) -> Int {
        if PlanarYUV420.sourceFourCCs.contains(fourcc) || packedOrder(fourcc) != nil { return 3 }
        return fourcc == "GREY" ? 1 : 0
    }

    /// Byte offsets of Y0, U and V in a packed 4:2:2 macropixel (Y1 is Y0 + 2).
    private static func packedOrder(_ fourcc: String) -> (y: Int, u: Int, v: Int)? {
        switch fourcc {
        case "YUYV": (0, 1, 3)
        case "YVYU": (0, 3, 1)
        case "UYVY": (1, 0, 2)
        case "VYUY": (1, 2, 0)
        default: nil
        }
    }

    /// Component `component` (0 Y, 1 U, 2 V) of a buffer whose plane payloads are `planes`.
    static func greyscale(planes: [[UInt8]], stream: StreamDescription, component: Int) throws(ViewerError) -> RGBImage {
        let fourcc = stream.format.pixelFormat.description
        let width = Int(stream.format.width), height = Int(stream.format.height)
        // Sizes come from the index: checked before they size anything.
        guard (1...Self.largestSide).contains(width), (1...Self.largestSide).contains(height) else {
            throw .failed("the index gives a \(width)x\(height) frame; plane views go up to \(Self.largestSide) on a side")
        }
        let count = componentCount(fourcc: fourcc)
        guard (0..<count).contains(component) else {
            throw .badRequest(count == 0
                ? "\(fourcc) has no plane views (they exist for 4:2:0 and packed 4:2:2 YUV and GREY); view the frame in RGB"
                : "plane must be 0..\(count - 1) for \(fourcc), not \(component)")
        }
        if PlanarYUV420.sourceFourCCs.contains(fourcc) {
            let planar: PlanarYUV420
            do {
                planar = try PlanarYUV420(planes: planes, format: stream.format)
            } catch {
                throw .failed("cannot re-lay out this \(fourcc) buffer: \(error)")
            }
            let lumaSize = width * height
            let chromaWidth = (width + 1) / 2, chromaHeight = (height + 1) / 2
            let chromaSize = chromaWidth * chromaHeight
            let samples: ArraySlice<UInt8>
            switch component {
            case 0: samples = planar.bytes.prefix(lumaSize)
            case 1: samples = planar.bytes.dropFirst(lumaSize).prefix(chromaSize)
            default: samples = planar.bytes.dropFirst(lumaSize + chromaSize).prefix(chromaSize)
            }
            let (w, h) = component == 0 ? (width, height) : (chromaWidth, chromaHeight)
            guard samples.count == w * h else { throw .failed("the \(fourcc) buffer is shorter than a \(width)x\(height) frame") }
            return grey(Array(samples), width: w, height: h)
        }
        guard let payload = planes.first else { throw .failed("the buffer has no planes") }
        let bytesPerLine = Int(stream.format.planes.first?.bytesPerLine ?? 0)
        if fourcc == "GREY" {
            let stride = max(bytesPerLine, width)
            return try sampled(payload, width: width, height: height, fourcc: fourcc) { x, y in y * stride + x }
        }
        guard let order = packedOrder(fourcc) else { throw .badRequest("\(fourcc) has no plane views") }
        let stride = max(bytesPerLine, width * 2)
        if component == 0 {
            return try sampled(payload, width: width, height: height, fourcc: fourcc) { x, y in
                y * stride + (x / 2) * 4 + order.y + (x % 2) * 2
            }
        }
        let offset = component == 1 ? order.u : order.v
        return try sampled(payload, width: (width + 1) / 2, height: height, fourcc: fourcc) { x, y in y * stride + x * 4 + offset }
    }

    /// The longest side a plane view is made for (V4L2 drivers stop at 16384 too).
    static let largestSide = 16_384

    private static func sampled(_ payload: [UInt8], width: Int, height: Int, fourcc: String,
                                at position: (Int, Int) -> Int) throws(ViewerError) -> RGBImage {
        // The last sample's position says whether the payload holds them all, before allocating.
        guard position(width - 1, height - 1) < payload.count else {
            throw .failed("the \(fourcc) buffer holds \(payload.count) bytes, too few for its \(width)x\(height) component")
        }
        var samples = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                let index = position(x, y)
                guard index < payload.count else {
                    throw .failed("the \(fourcc) buffer holds \(payload.count) bytes, too few for its \(width)x\(height) component")
                }
                samples[y * width + x] = payload[index]
            }
        }
        return grey(samples, width: width, height: height)
    }

    private static func grey(_ samples: [UInt8], width: Int, height: Int) -> RGBImage {
        var pixels = [UInt8](repeating: 0, count: samples.count * 3)
        for (index, sample) in samples.enumerated() {
            pixels[index * 3] = sample
            pixels[index * 3 + 1] = sample
            pixels[index * 3 + 2] = sample
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }
}
