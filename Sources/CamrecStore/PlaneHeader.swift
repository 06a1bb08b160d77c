import V4L2Vocabulary

/// The fixed binary header that precedes every plane's zstd frame in a chunk, carried in a
/// zstd skippable frame (magic 0x184D2A50) so `zstd -d` skips it. It holds everything the index
/// stores about the plane and its buffer, so `camrec recover` can rebuild the index from the
/// chunks alone. All integers are little-endian.
///
/// Layout (version 1, 88 bytes):
/// ```
///  0 u32 magic "CRPH"      4 u16 version     6 u16 header size
///  8 u64 buffer id        16 u64 request id  24 i64 timestamp ns
/// 32 u32 stream id        36 u32 sequence    40 u32 flags        44 u32 field
/// 48 u32 bytesused        52 u32 data offset 56 u32 plane length 60 u32 compressed size
/// 64 u64 XXH64 of the stored bytes           72 u32 stored size (raw)
/// 76 u8 status  77 u8 clock  78 u8 plane index  79 u8 plane count
/// 80 u8 encoding  81 u8 request join rule  82..87 reserved (0)
/// ```
public struct PlaneHeader: Sendable, Equatable {
    public static let magic: UInt32 = 0x4850_5243  // "CRPH"
    public static let version: UInt16 = 1
    public static let size = 88
    /// The zstd skippable-frame magic that carries a plane header.
    public static let skippableMagic: UInt32 = 0x184D_2A50

    public var bufferID: Int64
    public var requestID: Int64
    public var streamID: Int
    public var status: BufferStatus
    public var sequence: UInt32
    public var timestamp: BufferTimestamp
    public var flags: BufferFlags
    public var field: Field
    public var planeIndex: Int
    public var planeCount: Int
    public var plane: PlaneMetadata
    public var encoding: PlaneEncoding
    public var requestJoin: RequestJoin
    /// Bytes stored (uncompressed) for this plane.
    public var storedSize: UInt32
    /// Size of the zstd frame that follows.
    public var compressedSize: UInt32
    /// XXH64 (seed 0) of the stored bytes.
    public var checksum: UInt64

    public init(bufferID: Int64, requestID: Int64, streamID: Int, status: BufferStatus, sequence: UInt32,
                timestamp: BufferTimestamp, flags: BufferFlags, field: Field, planeIndex: Int, planeCount: Int,
                plane: PlaneMetadata, encoding: PlaneEncoding, requestJoin: RequestJoin,
                storedSize: UInt32, compressedSize: UInt32, checksum: UInt64) {
        self.bufferID = bufferID
        self.requestID = requestID
        self.streamID = streamID
        self.status = status
        self.sequence = sequence
        self.timestamp = timestamp
        self.flags = flags
        self.field = field
        self.planeIndex = planeIndex
        self.planeCount = planeCount
        self.plane = plane
        self.encoding = encoding
        self.requestJoin = requestJoin
        self.storedSize = storedSize
        self.compressedSize = compressedSize
        self.checksum = checksum
    }

    /// The header wrapped in its skippable frame, ready to write.
    public func encodedFrame() -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(8 + Self.size)
        bytes.appendLittleEndian(Self.skippableMagic)
        bytes.appendLittleEndian(UInt32(Self.size))
        bytes.appendLittleEndian(Self.magic)
        bytes.appendLittleEndian(Self.version)
        bytes.appendLittleEndian(UInt16(Self.size))
        bytes.appendLittleEndian(UInt64(bitPattern: bufferID))
        bytes.appendLittleEndian(UInt64(bitPattern: requestID))
        bytes.appendLittleEndian(UInt64(bitPattern: timestamp.nanoseconds))
        bytes.appendLittleEndian(UInt32(truncatingIfNeeded: streamID))
        bytes.appendLittleEndian(sequence)
        bytes.appendLittleEndian(flags.rawValue)
        bytes.appendLittleEndian(field.rawValue)
        bytes.appendLittleEndian(plane.bytesUsed)
        bytes.appendLittleEndian(plane.dataOffset)
        bytes.appendLittleEndian(plane.length)
        bytes.appendLittleEndian(compressedSize)
        bytes.appendLittleEndian(checksum)
        bytes.appendLittleEndian(storedSize)
        bytes.append(status.code)
        bytes.append(timestamp.clock.code)
        bytes.append(UInt8(truncatingIfNeeded: planeIndex))
        bytes.append(UInt8(truncatingIfNeeded: planeCount))
        bytes.append(encoding.rawValue)
        bytes.append(requestJoin.rawValue)
        bytes.append(contentsOf: [0, 0, 0, 0, 0, 0])
        return bytes
    }

    /// Parses the payload of a skippable frame (without its 8-byte frame header).
    public init(payload: UnsafeRawBufferPointer, path: String, offset: Int64) throws(StoreError) {
        guard payload.count >= Self.size else {
            throw .corrupt(path: path, offset: offset, reason: "plane header of \(payload.count) bytes, expected \(Self.size)")
        }
        func u8(_ at: Int) -> UInt8 { payload[at] }
        func u16(_ at: Int) -> UInt16 { UInt16(littleEndian: payload.loadUnaligned(fromByteOffset: at, as: UInt16.self)) }
        func u32(_ at: Int) -> UInt32 { UInt32(littleEndian: payload.loadUnaligned(fromByteOffset: at, as: UInt32.self)) }
        func u64(_ at: Int) -> UInt64 { UInt64(littleEndian: payload.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
        guard u32(0) == Self.magic else {
            throw .corrupt(path: path, offset: offset, reason: "skippable frame is not a camrec plane header")
        }
        guard u16(4) <= Self.version else {
            throw .corrupt(path: path, offset: offset, reason: "plane header version \(u16(4)) is newer than \(Self.version); upgrade camrec")
        }
        guard let status = BufferStatus(code: u8(76)), let clock = BufferTimestamp.Clock(code: u8(77)),
              let encoding = PlaneEncoding(rawValue: u8(80)), let join = RequestJoin(rawValue: u8(81)) else {
            throw .corrupt(path: path, offset: offset, reason: "plane header has an unknown status, clock, encoding or join code")
        }
        bufferID = Int64(bitPattern: u64(8))
        requestID = Int64(bitPattern: u64(16))
        timestamp = BufferTimestamp(nanoseconds: Int64(bitPattern: u64(24)), clock: clock)
        streamID = Int(u32(32))
        sequence = u32(36)
        flags = BufferFlags(rawValue: u32(40))
        field = Field(rawValue: u32(44))
        plane = PlaneMetadata(bytesUsed: u32(48), dataOffset: u32(52), length: u32(56))
        compressedSize = u32(60)
        checksum = u64(64)
        storedSize = u32(72)
        self.status = status
        planeIndex = Int(u8(78))
        planeCount = Int(u8(79))
        self.encoding = encoding
        requestJoin = join
    }
}
