import ArgumentParser
import CamrecEngine
import CamrecStore

/// `-d DEV[:WxH][:FOURCC]`: a capture node and the format to ask it for.
struct DeviceArgument {
    var path: String
    var format: V4L2CaptureSource.RequestedFormat?

    init(path: String, format: V4L2CaptureSource.RequestedFormat?) {
        self.path = path
        self.format = format
    }

    init(_ text: String) throws {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard let path = parts.first, !path.isEmpty else {
            throw ValidationError("-d needs a device node, e.g. -d /dev/video0 or -d /dev/video0:640x360:YUYV; got '\(text)'.")
        }
        self.path = path
        var width: UInt32?
        var height: UInt32?
        var fourcc: FourCC?
        for part in parts.dropFirst() {
            let size = part.lowercased().split(separator: "x")
            if size.count == 2, let w = UInt32(size[0]), let h = UInt32(size[1]), w > 0, h > 0, width == nil {
                width = w
                height = h
            } else if let code = FourCC(part), part.count == 4, fourcc == nil {
                fourcc = code
            } else {
                throw ValidationError("-d \(text): '\(part)' is neither a size (640x360) nor a four-character format (YUYV); "
                                      + "write DEV:WxH:FOURCC.")
            }
        }
        format = width == nil && fourcc == nil ? nil
            : V4L2CaptureSource.RequestedFormat(width: width, height: height, fourcc: fourcc)
    }
}
