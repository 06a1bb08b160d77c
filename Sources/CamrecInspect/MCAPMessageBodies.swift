import CamrecStore
import V4L2Vocabulary

/// The protobuf bodies of the MCAP export's messages (proto/ describes each), written with
/// `ProtobufEncoder`. An image's or metadata buffer's bytes are the body's last field: these
/// functions return everything before them (the field's tag and length included), and the writer
/// appends the plane payloads after, so the bytes are copied once.
enum MCAPMessageBodies {
    /// A foxglove.RawImage, CompressedImage or CompressedVideo, up to its `data` bytes
    /// (`dataLength` of them, which the caller appends).
    static func imagePrefix(_ encoding: MCAPImageEncoding, stream: StreamDescription, timestamp: Int64,
                            dataLength: Int) -> [UInt8] {
        var message = ProtobufEncoder()
        message.message(1, .timestamp(nanoseconds: timestamp))
        switch encoding {
        case let .raw(name, _):
            message.fixed32(2, stream.format.width)
            message.fixed32(3, stream.format.height)
            message.string(4, name)
            message.fixed32(5, MCAPImageEncoding.step(of: stream.format, encoding: name))
            message.string(7, stream.name)
            if dataLength > 0 { message.lengthPrefix(field: 6, length: dataLength) }
        case let .compressedImage(format):
            message.string(3, format)
            message.string(4, stream.name)
            if dataLength > 0 { message.lengthPrefix(field: 2, length: dataLength) }
        case let .compressedVideo(format):
            message.string(2, stream.name)
            message.string(4, format)
            if dataLength > 0 { message.lengthPrefix(field: 3, length: dataLength) }
        }
        return message.bytes
    }

    /// A camrec.Buffer: the buffer's metadata and its stream's format, then (for a metadata
    /// stream) the tag and length of `data` (`dataLength` bytes, which the caller appends).
    /// `planeHeaders`: each plane's bytes before its data_offset (usually empty).
    static func bufferPrefix(_ buffer: IndexedBuffer, stream: StreamDescription, planeHeaders: [[UInt8]],
                             dataLength: Int) -> [UInt8] {
        let metadata = buffer.metadata
        var message = ProtobufEncoder()
        message.message(1, .timestamp(nanoseconds: metadata.timestamp.nanoseconds))
        message.string(2, stream.name)
        message.varint(3, UInt64(metadata.sequence))
        message.varint(4, UInt64(metadata.status.code))
        message.varint(5, UInt64(metadata.flags.rawValue))
        message.varint(6, UInt64(metadata.field.rawValue))
        for (index, plane) in metadata.planes.enumerated() {
            var entry = ProtobufEncoder()
            entry.varint(1, UInt64(plane.bytesUsed))
            entry.varint(2, UInt64(plane.dataOffset))
            entry.varint(3, UInt64(plane.length))
            if index < planeHeaders.count { entry.data(4, planeHeaders[index]) }
            message.message(7, entry, always: true)
        }
        message.message(8, format(stream.format))
        message.signedVarint(9, buffer.bufferID)
        message.signedVarint(10, buffer.requestID)
        message.varint(11, UInt64(metadata.timestamp.clock.code))
        if dataLength > 0 { message.lengthPrefix(field: 15, length: dataLength) }
        return message.bytes
    }

    /// A camrec.VideoFormat.
    static func format(_ format: VideoFormat) -> ProtobufEncoder {
        var message = ProtobufEncoder()
        message.varint(1, UInt64(format.bufferType.rawValue))
        message.string(2, format.pixelFormat.description)
        message.fixed32(3, format.pixelFormat.rawValue)
        message.varint(4, UInt64(format.width))
        message.varint(5, UInt64(format.height))
        message.varint(6, UInt64(format.field.rawValue))
        message.varint(7, UInt64(format.colorspace))
        message.varint(8, UInt64(format.ycbcrEncoding))
        message.varint(9, UInt64(format.quantization))
        message.varint(10, UInt64(format.transferFunction))
        message.varint(11, UInt64(format.flags))
        for plane in format.planes {
            var entry = ProtobufEncoder()
            entry.varint(1, UInt64(plane.bytesPerLine))
            entry.varint(2, UInt64(plane.sizeImage))
            message.message(12, entry, always: true)
        }
        return message
    }

    /// A camrec.Event.
    static func event(_ event: MCAPEvent) -> [UInt8] {
        var message = ProtobufEncoder()
        message.message(1, .timestamp(nanoseconds: event.timestamp))
        message.string(2, event.kind)
        message.string(3, event.stream ?? "")
        message.varint(4, UInt64(event.sequence ?? 0))
        message.varint(5, UInt64(event.missing))
        message.string(6, event.message)
        message.signedVarint(7, event.wallNanoseconds ?? 0)
        return message.bytes
    }
}
