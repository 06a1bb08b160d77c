import CV4L2
#if canImport(Glibc)
import Glibc
#endif

extension BufferQueue {
    /// VIDIOC_G_PARM: the capture queue's time per frame; nil when the driver does not say
    /// (no V4L2_CAP_TIMEPERFRAME, or no G_PARM at all).
    public func frameInterval() throws(V4L2Error) -> FrameInterval? {
        var raw = v4l2_streamparm()
        raw.type = type.rawValue
        do {
            try descriptor.ioctl(.getParameters, &raw)
        } catch where error.errno == ENOTTY || error.errno == EINVAL {
            return nil
        }
        let capture = raw.parm.capture
        guard capture.capability & UInt32(V4L2_CAP_TIMEPERFRAME) != 0 else { return nil }
        return FrameInterval(numerator: capture.timeperframe.numerator, denominator: capture.timeperframe.denominator)
    }

    /// VIDIOC_S_PARM: asks for `interval` per frame and returns what the driver set (drivers
    /// round to the nearest interval they support, as they adjust formats).
    @discardableResult
    public func setFrameInterval(_ interval: FrameInterval) throws(V4L2Error) -> FrameInterval {
        var raw = v4l2_streamparm()
        raw.type = type.rawValue
        raw.parm.capture.timeperframe = v4l2_fract(numerator: interval.numerator, denominator: interval.denominator)
        do {
            try descriptor.ioctl(.setParameters, &raw, context: "time per frame \(interval)")
        } catch where error.errno == ENOTTY {
            throw V4L2Error(kind: .unsupported, operation: "VIDIOC_S_PARM", devicePath: devicePath, errno: ENOTTY,
                            reason: "the driver does not let applications choose the frame rate",
                            remedy: "Leave the rate out of -d (DEV:WxH:FOURCC without @FPS).")
        }
        guard raw.parm.capture.capability & UInt32(V4L2_CAP_TIMEPERFRAME) != 0 else {
            throw V4L2Error(kind: .unsupported, operation: "VIDIOC_S_PARM", devicePath: devicePath,
                            reason: "the driver does not support setting the time per frame (no V4L2_CAP_TIMEPERFRAME)",
                            remedy: "Leave the rate out of -d (DEV:WxH:FOURCC without @FPS).")
        }
        return FrameInterval(numerator: raw.parm.capture.timeperframe.numerator,
                             denominator: raw.parm.capture.timeperframe.denominator)
    }
}
