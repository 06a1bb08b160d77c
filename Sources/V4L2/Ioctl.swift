import CV4L2
#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// An ioctl request code with the name errors use for it.
struct IoctlRequest: Sendable {
    let code: UInt
    let name: String

    static let queryCapability = IoctlRequest(code: CV4L2_VIDIOC_QUERYCAP, name: "VIDIOC_QUERYCAP")
    static let enumerateFormat = IoctlRequest(code: CV4L2_VIDIOC_ENUM_FMT, name: "VIDIOC_ENUM_FMT")
    static let getFormat = IoctlRequest(code: CV4L2_VIDIOC_G_FMT, name: "VIDIOC_G_FMT")
    static let setFormat = IoctlRequest(code: CV4L2_VIDIOC_S_FMT, name: "VIDIOC_S_FMT")
    static let tryFormat = IoctlRequest(code: CV4L2_VIDIOC_TRY_FMT, name: "VIDIOC_TRY_FMT")
    static let enumerateFrameSizes = IoctlRequest(code: CV4L2_VIDIOC_ENUM_FRAMESIZES, name: "VIDIOC_ENUM_FRAMESIZES")
    static let enumerateFrameIntervals = IoctlRequest(code: CV4L2_VIDIOC_ENUM_FRAMEINTERVALS, name: "VIDIOC_ENUM_FRAMEINTERVALS")
    static let requestBuffers = IoctlRequest(code: CV4L2_VIDIOC_REQBUFS, name: "VIDIOC_REQBUFS")
    static let queryBuffer = IoctlRequest(code: CV4L2_VIDIOC_QUERYBUF, name: "VIDIOC_QUERYBUF")
    static let queueBuffer = IoctlRequest(code: CV4L2_VIDIOC_QBUF, name: "VIDIOC_QBUF")
    static let dequeueBuffer = IoctlRequest(code: CV4L2_VIDIOC_DQBUF, name: "VIDIOC_DQBUF")
    static let exportBuffer = IoctlRequest(code: CV4L2_VIDIOC_EXPBUF, name: "VIDIOC_EXPBUF")
    static let streamOn = IoctlRequest(code: CV4L2_VIDIOC_STREAMON, name: "VIDIOC_STREAMON")
    static let streamOff = IoctlRequest(code: CV4L2_VIDIOC_STREAMOFF, name: "VIDIOC_STREAMOFF")
    static let queryExtendedControl = IoctlRequest(code: CV4L2_VIDIOC_QUERY_EXT_CTRL, name: "VIDIOC_QUERY_EXT_CTRL")
    static let queryMenu = IoctlRequest(code: CV4L2_VIDIOC_QUERYMENU, name: "VIDIOC_QUERYMENU")
    static let subdeviceGetFormat = IoctlRequest(code: CV4L2_VIDIOC_SUBDEV_G_FMT, name: "VIDIOC_SUBDEV_G_FMT")
    static let subdeviceGetFrameInterval = IoctlRequest(code: CV4L2_VIDIOC_SUBDEV_G_FRAME_INTERVAL,
                                                        name: "VIDIOC_SUBDEV_G_FRAME_INTERVAL")
    static let subdeviceGetSelection = IoctlRequest(code: CV4L2_VIDIOC_SUBDEV_G_SELECTION, name: "VIDIOC_SUBDEV_G_SELECTION")
    static let mediaDeviceInfo = IoctlRequest(code: CV4L2_MEDIA_IOC_DEVICE_INFO, name: "MEDIA_IOC_DEVICE_INFO")
    static let mediaTopology = IoctlRequest(code: CV4L2_MEDIA_IOC_G_TOPOLOGY, name: "MEDIA_IOC_G_TOPOLOGY")
    static let getParameters = IoctlRequest(code: CV4L2_VIDIOC_G_PARM, name: "VIDIOC_G_PARM")
    static let setParameters = IoctlRequest(code: CV4L2_VIDIOC_S_PARM, name: "VIDIOC_S_PARM")
    static let subscribeEvent = IoctlRequest(code: CV4L2_VIDIOC_SUBSCRIBE_EVENT, name: "VIDIOC_SUBSCRIBE_EVENT")
    static let dequeueEvent = IoctlRequest(code: CV4L2_VIDIOC_DQEVENT, name: "VIDIOC_DQEVENT")
    static let encoderCommand = IoctlRequest(code: CV4L2_VIDIOC_ENCODER_CMD, name: "VIDIOC_ENCODER_CMD")
    static let tryEncoderCommand = IoctlRequest(code: CV4L2_VIDIOC_TRY_ENCODER_CMD, name: "VIDIOC_TRY_ENCODER_CMD")
    static let decoderCommand = IoctlRequest(code: CV4L2_VIDIOC_DECODER_CMD, name: "VIDIOC_DECODER_CMD")
    static let tryDecoderCommand = IoctlRequest(code: CV4L2_VIDIOC_TRY_DECODER_CMD, name: "VIDIOC_TRY_DECODER_CMD")
    static let getSelection = IoctlRequest(code: CV4L2_VIDIOC_G_SELECTION, name: "VIDIOC_G_SELECTION")
    static let setSelection = IoctlRequest(code: CV4L2_VIDIOC_S_SELECTION, name: "VIDIOC_S_SELECTION")
    static let allocateRequest = IoctlRequest(code: CV4L2_MEDIA_IOC_REQUEST_ALLOC, name: "MEDIA_IOC_REQUEST_ALLOC")
    static let queueRequest = IoctlRequest(code: CV4L2_MEDIA_REQUEST_IOC_QUEUE, name: "MEDIA_REQUEST_IOC_QUEUE")
    static let reinitRequest = IoctlRequest(code: CV4L2_MEDIA_REQUEST_IOC_REINIT, name: "MEDIA_REQUEST_IOC_REINIT")
    static let dmaBufferSync = IoctlRequest(code: CV4L2_DMA_BUF_IOCTL_SYNC, name: "DMA_BUF_IOCTL_SYNC")
}

/// The outcome of an ioctl on a non-blocking descriptor that may have nothing to do yet.
enum IoctlOutcome {
    case done
    /// EAGAIN: nothing ready (no buffer to dequeue); not an error.
    case wouldBlock
}

/// A file descriptor (swift-system's `FileDescriptor`) owned by exactly one object: opened in
/// the initializer, closed once in `deinit` (swift-system's close never retries EINTR: the
/// descriptor is gone after the first call on Linux), so no path, error or not, can leak it.
final class OwnedDescriptor: Sendable {
    let descriptor: FileDescriptor
    /// The path (or a description such as "dmabuf from /dev/video4") used in error messages.
    let path: String

    /// The raw descriptor, for ioctl and poll.
    var rawValue: Int32 { descriptor.rawValue }

    /// Opens `path` read-write, non-blocking and close-on-exec (EINTR retried).
    init(opening path: String) throws(V4L2Error) {
        do {
            descriptor = try FileDescriptor.open(FilePath(path), .readWrite, options: [.nonBlocking, .closeOnExec])
        } catch {
            throw V4L2Error(operation: "open", devicePath: path, errno: (error as? Errno)?.rawValue ?? EIO)
        }
        self.path = path
    }

    /// Takes ownership of a descriptor the kernel returned (VIDIOC_EXPBUF, MEDIA_IOC_REQUEST_ALLOC).
    init(adopting fd: Int32, path: String) {
        descriptor = FileDescriptor(rawValue: fd)
        self.path = path
    }

    deinit {
        try? descriptor.close()
    }

    /// Runs an ioctl (retrying EINTR in C) and throws a typed error naming the request.
    /// `context` is built only when the call fails: QBUF/DQBUF run once per frame.
    func ioctl<Argument>(_ request: IoctlRequest, _ argument: inout Argument,
                         context: @autoclosure () -> String? = nil) throws(V4L2Error) {
        if case .wouldBlock = try ioctlAllowingWouldBlock(request, &argument, context: context()) {
            throw V4L2Error(operation: request.name, devicePath: path, errno: EAGAIN, context: context())
        }
    }

    /// Like `ioctl`, but EAGAIN is a value, as it is for VIDIOC_DQBUF on a non-blocking node.
    func ioctlAllowingWouldBlock<Argument>(_ request: IoctlRequest, _ argument: inout Argument,
                                           context: @autoclosure () -> String? = nil) throws(V4L2Error) -> IoctlOutcome {
        let fd = rawValue
        let failure: Int32? = withUnsafeMutablePointer(to: &argument) { pointer in
            cv4l2_ioctl(fd, request.code, UnsafeMutableRawPointer(pointer)) == 0 ? nil : errno
        }
        guard let failure else { return .done }
        if failure == EAGAIN { return .wouldBlock }
        throw V4L2Error(operation: request.name, devicePath: path, errno: failure, context: context())
    }
}

/// Reads a fixed-size, NUL-terminated C char array that Swift imports as a tuple.
func string<Tuple>(fromCArray tuple: Tuple) -> String {
    withUnsafeBytes(of: tuple) { bytes in
        let length = bytes.firstIndex(of: 0) ?? bytes.count
        return String(decoding: bytes.prefix(length), as: UTF8.self)
    }
}
