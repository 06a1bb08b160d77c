import Foundation
import CZstd

/// Walks the frames of one chunk file in order, as `camrec recover` and `camrec verify` need:
/// plane headers with their zstd frames (decoded and checked), metadata records, and where the
/// chunk stops making sense (a truncated or damaged tail).
public struct ChunkScanner {
    /// What the scan found, frame by frame.
    public enum Item: Sendable {
        /// A plane header followed by its complete, valid zstd frame.
        case plane(PlaneHeader, location: ChunkLocation)
        case metadata(MetadataRecord, offset: Int64)
        /// A plane whose frame could not be used.
        case damagedPlane(PlaneHeader, offset: Int64, reason: String)
        /// The rest of the chunk from `offset` could not be parsed.
        case damagedTail(offset: Int64, reason: String)
    }

    public let path: String
    public let chunkID: Int64

    public init(path: String, chunkID: Int64) {
        self.path = path
        self.chunkID = chunkID
    }

    /// Scans the whole chunk. `decode` decompresses each plane and checks its checksum (slower, thorough).
    public func scan(decode: Bool = true) throws(StoreError) -> [Item] {
        let reader = try ChunkFileReader(path: path)
        guard reader.size < 1 << 34 else {
            throw .invalid(path: path, reason: "chunk of \(reader.size) bytes is larger than any camrec writes")
        }
        let bytes = try reader.read(at: 0, count: Int(reader.size))
        let decoder = try PlaneDecoder()
        var items: [Item] = []
        let result: StoreError? = bytes.withUnsafeBytes { buffer -> StoreError? in
            var offset = 0
            let size = buffer.count
            func u32(_ at: Int) -> UInt32 { UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: at, as: UInt32.self)) }
            while offset < size {
                guard offset + 8 <= size else {
                    items.append(.damagedTail(offset: Int64(offset), reason: "\(size - offset) stray bytes at the end"))
                    return nil
                }
                let magic = u32(offset)
                if magic & 0xFFFF_FFF0 == 0x184D_2A50 {
                    let payloadSize = Int(u32(offset + 4))
                    guard offset + 8 + payloadSize <= size else {
                        items.append(.damagedTail(offset: Int64(offset),
                                                  reason: "skippable frame of \(payloadSize) bytes is cut off after \(size - offset - 8)"))
                        return nil
                    }
                    let payload = UnsafeRawBufferPointer(rebasing: buffer[(offset + 8)..<(offset + 8 + payloadSize)])
                    let frameOffset = offset + 8 + payloadSize
                    if magic == PlaneHeader.skippableMagic {
                        let header: PlaneHeader
                        do {
                            header = try PlaneHeader(payload: payload, path: path, offset: Int64(offset))
                        } catch {
                            items.append(.damagedTail(offset: Int64(offset), reason: "\(error)"))
                            return nil
                        }
                        let compressed = Int(header.compressedSize)
                        guard frameOffset + compressed <= size else {
                            items.append(.damagedPlane(header, offset: Int64(frameOffset),
                                reason: "truncated: its zstd frame needs \(compressed) bytes, the chunk has \(size - frameOffset) left"))
                            return nil
                        }
                        let frame = UnsafeRawBufferPointer(rebasing: buffer[frameOffset..<(frameOffset + compressed)])
                        let found = ZSTD_findFrameCompressedSize(frame.baseAddress, frame.count)
                        if ZSTD_isError(found) != 0 || found != compressed {
                            items.append(.damagedPlane(header, offset: Int64(frameOffset),
                                reason: "the bytes at this offset are not one zstd frame of \(compressed) bytes"))
                        } else if decode {
                            do {
                                _ = try decoder.decode(frame, storedSize: Int(header.storedSize), checksum: header.checksum,
                                                       path: path, offset: Int64(frameOffset))
                                items.append(.plane(header, location: ChunkLocation(
                                    chunkID: chunkID, offset: Int64(frameOffset), compressedLength: Int64(compressed))))
                            } catch {
                                items.append(.damagedPlane(header, offset: Int64(frameOffset), reason: "\(error)"))
                            }
                        } else {
                            items.append(.plane(header, location: ChunkLocation(
                                chunkID: chunkID, offset: Int64(frameOffset), compressedLength: Int64(compressed))))
                        }
                        offset = frameOffset + compressed
                    } else {
                        if magic == MetadataRecord.skippableMagic {
                            do {
                                items.append(.metadata(try MetadataRecord(payload: payload, path: path, offset: Int64(offset)),
                                                       offset: Int64(offset)))
                            } catch {
                                items.append(.damagedTail(offset: Int64(offset), reason: "\(error)"))
                                return nil
                            }
                        }
                        // Other skippable frames are not camrec's; skip them as zstd does.
                        offset = frameOffset
                    }
                } else if magic == 0xFD2F_B528 {
                    let frame = UnsafeRawBufferPointer(rebasing: buffer[offset...])
                    let found = ZSTD_findFrameCompressedSize(frame.baseAddress, frame.count)
                    guard ZSTD_isError(found) == 0 else {
                        items.append(.damagedTail(offset: Int64(offset), reason: "a zstd frame without a camrec header, and it is damaged"))
                        return nil
                    }
                    items.append(.damagedTail(offset: Int64(offset), reason: "a zstd frame without a camrec header"))
                    offset += found
                } else {
                    items.append(.damagedTail(offset: Int64(offset), reason: String(format: "unknown frame magic 0x%08x", magic)))
                    return nil
                }
            }
            return nil
        }
        if let result { throw result }
        return items
    }
}
