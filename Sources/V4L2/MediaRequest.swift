import CV4L2
#if canImport(Glibc)
import Glibc
#endif

/// A media request (`MEDIA_IOC_REQUEST_ALLOC`): a set of buffers and control values that the
/// driver applies together, as stateless decoders and ISPs need for per-frame parameters
/// (Documentation/userspace-api/media/mediactl/request-api.rst). Fill it (controls with
/// `VideoDevice.setCompoundControl(_:bytes:in:)`, a buffer with `BufferQueue.queueBuffer(_:output:request:)`),
/// `queue` it, wait for `isComplete`, then `reinitialize` it for the next frame. The descriptor
/// closes with the object.
public final class MediaRequest: Sendable {
    private let descriptor: OwnedDescriptor
    /// The media device it was allocated on, for messages.
    public let mediaPath: String

    init(adopting fd: Int32, mediaPath: String) {
        descriptor = OwnedDescriptor(adopting: fd, path: "request of \(mediaPath)")
        self.mediaPath = mediaPath
    }

    /// The request's descriptor, for `v4l2_buffer.request_fd` and `v4l2_ext_controls.request_fd`.
    public var fileDescriptor: Int32 { descriptor.rawValue }

    /// MEDIA_REQUEST_IOC_QUEUE: hands the request (its buffer and controls) to the driver.
    public func queue() throws(V4L2Error) {
        var unused: Int32 = 0
        try descriptor.ioctl(.queueRequest, &unused)
    }

    /// MEDIA_REQUEST_IOC_REINIT: empties a completed request so it can carry the next frame.
    public func reinitialize() throws(V4L2Error) {
        var unused: Int32 = 0
        try descriptor.ioctl(.reinitRequest, &unused)
    }

    /// Whether the driver completed the request (poll reports POLLPRI on its descriptor).
    public func isComplete(waitingMilliseconds timeout: Int32 = 0) -> Bool {
        var entry = pollfd(fd: descriptor.rawValue, events: Int16(POLLPRI), revents: 0)
        return poll(&entry, 1, timeout) > 0 && entry.revents & Int16(POLLPRI) != 0
    }
}

extension MediaDevice {
    /// MEDIA_IOC_REQUEST_ALLOC: a new, empty request. ENOTTY/EINVAL mean the driver has no
    /// Request API (CONFIG_MEDIA_CONTROLLER_REQUEST_API, or a driver without `req_queue`).
    public func allocateRequest() throws(V4L2Error) -> MediaRequest {
        var fd: Int32 = -1
        do {
            try descriptor.ioctl(.allocateRequest, &fd)
        } catch where error.errno == ENOTTY || error.errno == EINVAL {
            throw V4L2Error(kind: .unsupported, operation: "MEDIA_IOC_REQUEST_ALLOC", devicePath: path, errno: error.errno,
                            reason: "the media device does not support the Request API",
                            remedy: "Stateless decoders and ISPs need a driver (and kernel) with the Request API; check `media-ctl -d \(path) -p`.")
        }
        return MediaRequest(adopting: fd, mediaPath: path)
    }
}

extension VideoDevice {
    /// Sets a compound control (a C struct given as its bytes, such as
    /// `struct v4l2_ctrl_fwht_params`) with VIDIOC_S_EXT_CTRLS, into `request` when given
    /// (V4L2_CTRL_WHICH_REQUEST_VAL), else as the current value.
    public func setCompoundControl(_ id: UInt32, bytes: [UInt8], in request: MediaRequest?) throws(V4L2Error) {
        let result = bytes.withUnsafeBytes { payload in
            cv4l2_set_compound_control(descriptor.rawValue, id, payload.baseAddress, UInt32(payload.count),
                                       request?.fileDescriptor ?? -1)
        }
        guard result == 0 else {
            throw V4L2Error(operation: "VIDIOC_S_EXT_CTRLS", devicePath: path, errno: errno,
                            context: "compound control 0x\(String(id, radix: 16)) (\(bytes.count) bytes)"
                                + (request == nil ? "" : " in a request"))
        }
    }

    /// The media device (`/dev/mediaN`) this node belongs to: the one whose bus_info and driver
    /// are the node's (as v4l2-ctl's `mi_get_media_fd` finds it), or nil when there is none.
    public func mediaDevicePath() -> String? {
        guard let directory = opendir("/dev") else { return nil }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name.count > 5, name.hasPrefix("media"), name.dropFirst(5).allSatisfy(\.isNumber) { names.append(name) }
        }
        for name in names.sorted() {
            guard let media = try? MediaDevice(path: "/dev/\(name)") else { continue }
            if media.info.busInfo == info.busInfo && media.info.driver == info.driver { return media.path }
        }
        return nil
    }
}
