import V4L2Vocabulary
/// How the colour components of a pixel format sit in one memory plane, for formats whose
/// components follow each other in one buffer (NV12: Y, then UV; YU12: Y, U, V): each component
/// plane's line stride and row count as fractions of the luma plane's. The layout a driver
/// computes from `bytesperline` and the *coded* height; used to move frames between layouts of
/// different coded sizes (an encoder's 640x368 buffer for a 640x360 frame).
public struct ComponentPlanes: Sendable, Equatable {
    /// One component plane: its stride is `bytesPerLine * strideNumerator / strideDenominator`
    /// and it has `height / heightDivisor` rows.
    public struct Component: Sendable, Equatable {
        public var strideNumerator: Int
        public var strideDenominator: Int
        public var heightDivisor: Int
        /// The byte that fills rows the frame lacks: black (limited-range Y 16, Cb/Cr 128 for
        /// YUV planes, 0 for RGB and Bayer).
        public var black: UInt8 = 0
    }

    public var components: [Component]

    /// The layout of `pixelFormat`, or nil when camrec does not know it (packed formats need none:
    /// they are one component plane, which `packed` describes).
    public static func of(_ pixelFormat: PixelFormat) -> ComponentPlanes? {
        let full = Component(strideNumerator: 1, strideDenominator: 1, heightDivisor: 1)
        let luma = Component(strideNumerator: 1, strideDenominator: 1, heightDivisor: 1, black: 16)
        func chroma(_ numerator: Int, _ denominator: Int, _ heightDivisor: Int) -> Component {
            Component(strideNumerator: numerator, strideDenominator: denominator, heightDivisor: heightDivisor, black: 128)
        }
        switch pixelFormat.description {
        case "NV12", "NV21": return ComponentPlanes(components: [luma, chroma(1, 1, 2)])
        case "NV16", "NV61": return ComponentPlanes(components: [luma, chroma(1, 1, 1)])
        case "NV24", "NV42": return ComponentPlanes(components: [luma, chroma(2, 1, 1)])
        case "YU12", "YV12": return ComponentPlanes(components: [luma, chroma(1, 2, 2), chroma(1, 2, 2)])
        case "422P": return ComponentPlanes(components: [luma, chroma(1, 2, 1), chroma(1, 2, 1)])
        case "YUYV", "YVYU", "UYVY", "VYUY", "RGB3", "BGR3", "HSV3", "BGR4", "XR24", "AR24", "RGB4", "BX24", "BA24",
             "RX24", "RA24", "XB24", "AB24", "HSV4", "GREY", "RGBP", "RGBR", "BA81", "GBRG", "GRBG", "RGGB":
            return ComponentPlanes(components: [full])
        default:
            return nil
        }
    }

    /// Copies a frame laid out for `source` (stride, height) into `destination`'s layout,
    /// component plane by component plane, row by row; rows and bytes the source lacks are
    /// black (`Component.black`), so the result depends on the frame alone (v4l2-ctl leaves its
    /// test pattern there; with `--stream-out-pattern` black it matches). Returns the
    /// destination's payload size.
    public func relayout(_ frame: UnsafeRawBufferPointer, from source: FrameGeometry,
                         into destination: UnsafeMutableRawBufferPointer, to target: FrameGeometry) -> Int {
        var sourceOffset = 0
        var targetOffset = 0
        var payload = 0
        for component in components {
            let bytes = target.bytesPerLine * component.strideNumerator / component.strideDenominator * (target.height / component.heightDivisor)
            let start = min(payload, destination.count)
            let count = min(bytes, destination.count - start)
            if let base = destination.baseAddress, count > 0 {
                (base + start).initializeMemory(as: UInt8.self, repeating: component.black, count: count)
            }
            payload += bytes
        }
        for component in components {
            let sourceStride = source.bytesPerLine * component.strideNumerator / component.strideDenominator
            let targetStride = target.bytesPerLine * component.strideNumerator / component.strideDenominator
            let sourceRows = source.height / component.heightDivisor
            let targetRows = target.height / component.heightDivisor
            let rowBytes = min(sourceStride, targetStride)
            for row in 0..<min(sourceRows, targetRows) {
                let from = sourceOffset + row * sourceStride
                let to = targetOffset + row * targetStride
                guard from + rowBytes <= frame.count, to + rowBytes <= destination.count,
                      let sourceBase = frame.baseAddress, let targetBase = destination.baseAddress else { break }
                (targetBase + to).copyMemory(from: sourceBase + from, byteCount: rowBytes)
            }
            sourceOffset += sourceStride * sourceRows
            targetOffset += targetStride * targetRows
        }
        return min(payload, destination.count)
    }
}

/// The luma plane's line stride and row count of a frame in one memory plane.
public struct FrameGeometry: Sendable, Equatable {
    public var bytesPerLine: Int
    public var height: Int

    public init(bytesPerLine: Int, height: Int) {
        self.bytesPerLine = bytesPerLine
        self.height = height
    }
}
