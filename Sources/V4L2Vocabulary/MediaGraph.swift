/// A media device as a recording keeps it: its identity, its whole graph and the active format on
/// every subdevice pad, read at the start of a V4L2 recording from the media controller of each
/// recorded node (what `media-ctl -p` shows), with the streams that came from its nodes.
public struct MediaGraph: Sendable, Equatable, Codable {
    /// 1-based in the recording; the writer assigns it.
    public var id: Int
    /// "/dev/media2".
    public var path: String
    public var device: MediaDeviceInfo
    public var topology: MediaTopology
    /// The active format of each pad whose entity is a subdevice with a node, by pad id.
    public var padFormats: [PadFormat]
    /// The recorded streams whose nodes belong to this media device.
    public var streamIDs: [Int]
    /// CLOCK_MONOTONIC when it was read.
    public var monotonicNanoseconds: Int64

    public init(id: Int = 0, path: String, device: MediaDeviceInfo, topology: MediaTopology, padFormats: [PadFormat] = [],
                streamIDs: [Int] = [], monotonicNanoseconds: Int64 = 0) {
        self.id = id
        self.path = path
        self.device = device
        self.topology = topology
        self.padFormats = padFormats
        self.streamIDs = streamIDs
        self.monotonicNanoseconds = monotonicNanoseconds
    }

    /// The active format of `pad`, if its entity is a subdevice camrec could read.
    public func format(of pad: MediaPad) -> SubdeviceFormat? {
        padFormats.first { $0.padID == pad.id }?.format
    }
}

/// The active format on one pad (by its id in the topology).
public struct PadFormat: Sendable, Equatable, Codable {
    public var padID: UInt32
    public var format: SubdeviceFormat

    public init(padID: UInt32, format: SubdeviceFormat) {
        self.padID = padID
        self.format = format
    }
}

/// MEDIA_IOC_DEVICE_INFO (`struct media_device_info`).
public struct MediaDeviceInfo: Sendable, Equatable, Codable {
    public var driver: String
    public var model: String
    public var serial: String
    public var busInfo: String
    /// `media_version`, `hw_revision` and `driver_version` (versions as KERNEL_VERSION: 6.1.0 = 0x060100).
    public var mediaVersion: UInt32
    public var hardwareRevision: UInt32
    public var driverVersion: UInt32

    public init(driver: String, model: String, serial: String, busInfo: String, mediaVersion: UInt32 = 0,
                hardwareRevision: UInt32 = 0, driverVersion: UInt32) {
        self.driver = driver
        self.model = model
        self.serial = serial
        self.busInfo = busInfo
        self.mediaVersion = mediaVersion
        self.hardwareRevision = hardwareRevision
        self.driverVersion = driverVersion
    }

    /// A KERNEL_VERSION number as "6.1.0".
    public static func versionText(_ version: UInt32) -> String {
        "\(version >> 16).\((version >> 8) & 0xff).\(version & 0xff)"
    }
}
