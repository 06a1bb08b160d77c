/// The graph of a media device as MEDIA_IOC_G_TOPOLOGY gives it (`struct media_v2_topology`):
/// entities, the interfaces (device nodes) that reach them, pads and links (pad to pad, and
/// interface to entity).
public struct MediaTopology: Sendable, Equatable, Codable {
    /// `topology_version`: changes whenever the graph does.
    public var version: UInt64
    public var entities: [MediaEntity]
    public var interfaces: [MediaInterface]
    public var pads: [MediaPad]
    public var links: [MediaLink]

    public init(version: UInt64 = 0, entities: [MediaEntity], interfaces: [MediaInterface], pads: [MediaPad],
                links: [MediaLink]) {
        self.version = version
        self.entities = entities
        self.interfaces = interfaces
        self.pads = pads
        self.links = links
    }

    /// The entity named `name`, e.g. "Raw Capture 1".
    public func entity(named name: String) -> MediaEntity? { entities.first { $0.name == name } }

    /// The pads of `entity`, by pad index.
    public func pads(of entity: MediaEntity) -> [MediaPad] {
        pads.filter { $0.entityID == entity.id }.sorted { $0.index < $1.index }
    }

    /// The interface (device node) linked to `entity`, if any.
    public func interface(of entity: MediaEntity) -> MediaInterface? {
        links.first { $0.isInterfaceLink && $0.sinkID == entity.id }
            .flatMap { link in interfaces.first { $0.id == link.sourceID } }
    }

    /// The pad to pad links (MEDIA_LNK_FL_DATA_LINK) from or to `entity`.
    public func dataLinks(of entity: MediaEntity) -> [MediaLink] {
        let ids = Set(pads(of: entity).map(\.id))
        return links.filter { $0.isDataLink && (ids.contains($0.sourceID) || ids.contains($0.sinkID)) }
    }
}

/// A media entity (`struct media_v2_entity`): a sensor, a scaler, a video node's DMA engine.
public struct MediaEntity: Sendable, Equatable, Codable {
    public var id: UInt32
    public var name: String
    /// MEDIA_ENT_F_*.
    public var function: UInt32
    /// MEDIA_ENT_FL_*.
    public var flags: UInt32

    public init(id: UInt32, name: String, function: UInt32, flags: UInt32) {
        self.id = id
        self.name = name
        self.function = function
        self.flags = flags
    }

    /// MEDIA_ENT_F_IO_V4L: a V4L2 video or metadata node's DMA engine.
    public static let functionV4L2IO: UInt32 = 0x0001_0001
    /// MEDIA_ENT_F_CAM_SENSOR, MEDIA_ENT_F_FLASH, MEDIA_ENT_F_LENS, MEDIA_ENT_F_ATV_DECODER, MEDIA_ENT_F_TUNER:
    /// the old subdevice types, which media-ctl names.
    public static let sensorFunction: UInt32 = 0x0002_0001
}

/// A media interface (`struct media_v2_interface`): a device node through which userspace reaches entities.
public struct MediaInterface: Sendable, Equatable, Codable {
    public var id: UInt32
    /// MEDIA_INTF_T_*, e.g. MEDIA_INTF_T_V4L_VIDEO.
    public var type: UInt32
    public var flags: UInt32
    public var deviceNumber: DeviceNumber
    /// The node's path ("/dev/v4l-subdev0"), as sysfs names the device number; nil where it was not looked up.
    public var deviceNode: String?

    public init(id: UInt32, type: UInt32, flags: UInt32, deviceNumber: DeviceNumber, deviceNode: String? = nil) {
        self.id = id
        self.type = type
        self.flags = flags
        self.deviceNumber = deviceNumber
        self.deviceNode = deviceNode
    }

    /// MEDIA_INTF_T_V4L_VIDEO.
    public static let typeV4L2Video: UInt32 = 0x200
    /// MEDIA_INTF_T_V4L_SUBDEV.
    public static let typeV4L2Subdevice: UInt32 = 0x203
}

/// A pad of an entity (`struct media_v2_pad`).
public struct MediaPad: Sendable, Equatable, Codable {
    public var id: UInt32
    public var entityID: UInt32
    /// MEDIA_PAD_FL_SINK / MEDIA_PAD_FL_SOURCE / MEDIA_PAD_FL_MUST_CONNECT.
    public var flags: UInt32
    public var index: UInt32

    public init(id: UInt32, entityID: UInt32, flags: UInt32, index: UInt32) {
        self.id = id
        self.entityID = entityID
        self.flags = flags
        self.index = index
    }

    public static let sinkFlag: UInt32 = 1 << 0
    public static let sourceFlag: UInt32 = 1 << 1
    public static let mustConnectFlag: UInt32 = 1 << 2

    /// The flags as media-ctl prints them: "Sink", "Source", "Sink,Must connect".
    public var flagNames: String {
        NamedFlags.names(flags, [(Self.sinkFlag, "Sink"), (Self.sourceFlag, "Source"), (Self.mustConnectFlag, "Must connect")])
    }
}

/// A link (`struct media_v2_link`): pad to pad (data) or interface to entity.
public struct MediaLink: Sendable, Equatable, Codable {
    public var id: UInt32
    /// A pad id, or an interface id for an interface link.
    public var sourceID: UInt32
    /// A pad id, or an entity id for an interface link.
    public var sinkID: UInt32
    /// MEDIA_LNK_FL_*.
    public var flags: UInt32

    public init(id: UInt32, sourceID: UInt32, sinkID: UInt32, flags: UInt32) {
        self.id = id
        self.sourceID = sourceID
        self.sinkID = sinkID
        self.flags = flags
    }

    public static let enabledFlag: UInt32 = 1 << 0
    public static let immutableFlag: UInt32 = 1 << 1
    public static let dynamicFlag: UInt32 = 1 << 2
    /// MEDIA_LNK_FL_LINK_TYPE and MEDIA_LNK_FL_INTERFACE_LINK.
    public static let typeMask: UInt32 = 0xf << 28
    public static let interfaceLinkType: UInt32 = 1 << 28

    public var isInterfaceLink: Bool { flags & Self.typeMask == Self.interfaceLinkType }
    /// MEDIA_LNK_FL_DATA_LINK (type 0): pad to pad; the others are interface and ancillary links
    /// (a lens to its sensor), which join entities.
    public var isDataLink: Bool { flags & Self.typeMask == 0 }
    public var isEnabled: Bool { flags & Self.enabledFlag != 0 }

    /// The flags as media-ctl prints them: "ENABLED,IMMUTABLE" (the link type left out).
    public var flagNames: String {
        NamedFlags.names(flags & ~Self.typeMask,
                         [(Self.enabledFlag, "ENABLED"), (Self.immutableFlag, "IMMUTABLE"), (Self.dynamicFlag, "DYNAMIC")])
    }
}

/// A character device's major and minor numbers.
public struct DeviceNumber: Sendable, Hashable, Codable, CustomStringConvertible {
    public var major: UInt32
    public var minor: UInt32

    public init(major: UInt32, minor: UInt32) {
        self.major = major
        self.minor = minor
    }

    public var description: String { "\(major):\(minor)" }
}

/// Names of the set bits of a flags word, joined with ",", as media-ctl prints them; bits without
/// a name as one hexadecimal number.
enum NamedFlags {
    static func names(_ flags: UInt32, _ table: [(UInt32, String)]) -> String {
        var rest = flags
        var parts: [String] = []
        for (bit, name) in table where rest & bit != 0 {
            parts.append(name)
            rest &= ~bit
        }
        if rest != 0 { parts.append("0x" + String(rest, radix: 16)) }
        return parts.joined(separator: ",")
    }
}
