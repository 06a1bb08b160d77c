import ArgumentParser
import CamrecEngine
import CamrecStore
import V4L2
import V4L2Vocabulary

/// `-d DEV[:WxH][:FOURCC][@FPS|@N/D]`: a capture node, the format to ask it for and the frame
/// rate (as frames per second, or as v4l2-ctl's time per frame N/D seconds).
struct DeviceArgument {
    var path: String
    var format: V4L2CaptureSource.RequestedFormat?
    var frameInterval: FrameInterval?

    init(path: String, format: V4L2CaptureSource.RequestedFormat?, frameInterval: FrameInterval? = nil) {
        self.path = path
        self.format = format
        self.frameInterval = frameInterval
    }

    init(_ whole: String) throws {
        var text = whole
        if let at = whole.lastIndex(of: "@") {
            text = String(whole[..<at])
            let rate = String(whole[whole.index(after: at)...])
            guard let interval = Self.frameInterval(rate) else {
                throw ValidationError("-d \(whole): '@\(rate)' is not a frame rate; write @15 (frames per second, up to 1000) "
                                      + "or @1/15 (seconds per frame, as v4l2-ctl's --set-parm).")
            }
            frameInterval = interval
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard let path = parts.first, !path.isEmpty else {
            throw ValidationError("-d needs a device node, e.g. -d /dev/video0 or -d /dev/video0:640x360:YUYV@30; got '\(whole)'.")
        }
        self.path = path
        var width: UInt32?
        var height: UInt32?
        var fourcc: PixelFormat?
        for part in parts.dropFirst() {
            let size = part.lowercased().split(separator: "x")
            if size.count == 2, let w = UInt32(size[0]), let h = UInt32(size[1]), w > 0, h > 0, width == nil {
                width = w
                height = h
            } else if let code = PixelFormat(part), part.count == 4 || code.isBigEndianVariant, fourcc == nil {
                // Four characters, or a big-endian variant as camrec and v4l2-ctl print it ("Y16-BE").
                fourcc = code
            } else {
                throw ValidationError("-d \(text): '\(part)' is neither a size (640x360) nor a four-character format (YUYV, or Y16-BE for a big-endian one); "
                                      + "write DEV:WxH:FOURCC.")
            }
        }
        format = width == nil && fourcc == nil ? nil
            : V4L2CaptureSource.RequestedFormat(width: width, height: height, fourcc: fourcc)
    }

    /// "15" or "29.97" frames per second (0.01 to 1000), or "1/15" / "1001/30000" seconds per frame.
    static func frameInterval(_ text: String) -> FrameInterval? {
        let fraction = text.split(separator: "/", omittingEmptySubsequences: false)
        if fraction.count == 2 {
            guard let numerator = UInt32(fraction[0]), let denominator = UInt32(fraction[1]), numerator > 0, denominator > 0 else {
                return nil
            }
            return FrameInterval(numerator: numerator, denominator: denominator)
        }
        guard let rate = Double(text), rate.isFinite, rate >= 0.01, rate <= 1000 else { return nil }
        // Whole rates exactly (1/15); others to a thousandth (29.97 -> 1000/29970).
        // Checked above to 0.01...1000; `exactly` keeps the conversion from trapping all the same.
        if let whole = UInt32(exactly: rate) { return FrameInterval(numerator: 1, denominator: whole) }
        return UInt32(exactly: (rate * 1000).rounded()).map { FrameInterval(numerator: 1000, denominator: $0) }
    }
}
