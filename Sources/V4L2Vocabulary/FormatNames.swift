/// The names v4l2-ctl gives the enums of a `v4l2_format` (its `--set-fmt-video` arguments:
/// `colorspace srgb`, `ycbcr-enc 601`, `quantization lim-range`, `xfer-func srgb`,
/// `field none`), so `info` and replay messages say what a user can type back. A value with no
/// name (a newer kernel's) is given as its number.
public enum FormatNames {
    /// `enum v4l2_colorspace`.
    public static func colorspace(_ value: UInt32) -> String {
        name(value, ["default", "smpte170m", "smpte240m", "rec709", "bt878", "470m", "470bg", "jpeg", "srgb",
                     "oprgb", "bt2020", "raw", "dcip3"])
    }

    /// `enum v4l2_ycbcr_encoding`, or `enum v4l2_hsv_encoding` (128, 129) for HSV formats.
    public static func ycbcrEncoding(_ value: UInt32) -> String {
        switch value {
        case 128: "hsv180"
        case 129: "hsv256"
        default: name(value, ["default", "601", "709", "xv601", "xv709", "sycc", "bt2020", "bt2020c", "smpte240m"])
        }
    }

    /// `enum v4l2_quantization`.
    public static func quantization(_ value: UInt32) -> String {
        name(value, ["default", "full-range", "lim-range"])
    }

    /// `enum v4l2_xfer_func`.
    public static func transferFunction(_ value: UInt32) -> String {
        name(value, ["default", "709", "srgb", "oprgb", "smpte240m", "none", "dcip3", "smpte2084"])
    }

    /// `enum v4l2_field`.
    public static func field(_ value: UInt32) -> String {
        name(value, ["any", "none", "top", "bottom", "interlaced", "seq-tb", "seq-bt", "alternate",
                     "interlaced-tb", "interlaced-bt"])
    }

    /// `v4l2_pix_format.flags`: "premul-alpha", "set-csc", joined with "," ("none" for 0).
    public static func formatFlags(_ value: UInt32) -> String {
        if value == 0 { return "none" }
        var names: [String] = []
        if value & 0x1 != 0 { names.append("premul-alpha") }
        if value & 0x2 != 0 { names.append("set-csc") }
        let rest = value & ~UInt32(0x3)
        if rest != 0 { names.append("0x" + String(rest, radix: 16)) }
        return names.joined(separator: ",")
    }

    private static func name(_ value: UInt32, _ names: [String]) -> String {
        Int(exactly: value).flatMap { $0 < names.count ? names[$0] : nil } ?? String(value)
    }
}
