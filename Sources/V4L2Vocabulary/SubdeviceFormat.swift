/// The active format on a pad of a V4L2 subdevice (VIDIOC_SUBDEV_G_FMT, `struct
/// v4l2_mbus_framefmt`), its frame interval (VIDIOC_SUBDEV_G_FRAME_INTERVAL) and its crop and
/// compose rectangles (VIDIOC_SUBDEV_G_SELECTION) where the subdevice has them: what `media-ctl -p`
/// prints as `[fmt:SGRBG8_1X8/640x480 field:none ... crop:(0,0)/640x480]`.
public struct SubdeviceFormat: Sendable, Equatable, Codable {
    /// MEDIA_BUS_FMT_* (`MediaBusCode` names it).
    public var code: UInt32
    public var width: UInt32
    public var height: UInt32
    public var field: Field
    /// `enum v4l2_colorspace`, `v4l2_ycbcr_encoding`, `v4l2_quantization`, `v4l2_xfer_func` (`FormatNames`).
    public var colorspace: UInt32
    public var ycbcrEncoding: UInt32
    public var quantization: UInt32
    public var transferFunction: UInt32
    /// The frame interval in seconds as numerator/denominator; 0/0 when the subdevice has none.
    public var intervalNumerator: UInt32
    public var intervalDenominator: UInt32
    /// V4L2_SEL_TGT_CROP_BOUNDS, CROP, COMPOSE_BOUNDS and COMPOSE; nil where the pad has none.
    public var cropBounds: Rectangle?
    public var crop: Rectangle?
    public var composeBounds: Rectangle?
    public var compose: Rectangle?

    public init(code: UInt32, width: UInt32, height: UInt32, field: Field, colorspace: UInt32 = 0, ycbcrEncoding: UInt32 = 0,
                quantization: UInt32 = 0, transferFunction: UInt32 = 0, intervalNumerator: UInt32 = 0,
                intervalDenominator: UInt32 = 0) {
        self.code = code
        self.width = width
        self.height = height
        self.field = field
        self.colorspace = colorspace
        self.ycbcrEncoding = ycbcrEncoding
        self.quantization = quantization
        self.transferFunction = transferFunction
        self.intervalNumerator = intervalNumerator
        self.intervalDenominator = intervalDenominator
    }

    /// As media-ctl prints it inside its brackets: "fmt:SGRBG8_1X8/640x480 field:none colorspace:srgb
    /// xfer:srgb ycbcr:601 quantization:full-range" (fields at 0 left out; the colorimetry after
    /// colorspace only with a colorspace), then each rectangle on a line of its own
    /// ("\n\t\t crop:(0,0)/640x480").
    public var mediaCtlDescription: String {
        var text = "fmt:\(MediaBusCode.name(code))/\(width)x\(height)"
        if intervalNumerator != 0 || intervalDenominator != 0 { text += "@\(intervalNumerator)/\(intervalDenominator)" }
        if field != .any { text += " field:\(field)" }
        if colorspace != 0 {
            text += " colorspace:\(FormatNames.colorspace(colorspace))"
            if transferFunction != 0 { text += " xfer:\(FormatNames.transferFunction(transferFunction))" }
            if ycbcrEncoding != 0 { text += " ycbcr:\(FormatNames.ycbcrEncoding(ycbcrEncoding))" }
            if quantization != 0 { text += " quantization:\(FormatNames.quantization(quantization))" }
        }
        let rectangles = [("crop.bounds", cropBounds), ("crop", crop), ("compose.bounds", composeBounds), ("compose", compose)]
        for case let (name, rectangle?) in rectangles {
            text += "\n\t\t \(name):(\(rectangle.left),\(rectangle.top))/\(rectangle.width)x\(rectangle.height)"
        }
        return text
    }
}
