import CamrecStore
import Foundation

/// Exports a recording as MCAP for Foxglove: one channel per stream (topic `/camrec/NAME`), each
/// video buffer one `foxglove.RawImage` message, each metadata buffer one `camrec.MetadataBuffer`
/// message; log and publish time are the recorded buffer timestamp (ns).
///
/// Encoding: JSON Schema + JSON messages, with the pixel bytes base64-encoded as Foxglove's
/// schemas specify for JSON (`"contentEncoding": "base64"`). Chosen over protobuf (needs a
/// serialized FileDescriptorSet per schema) and ros2msg/CDR (needs the ROS 2 type definitions):
/// it needs no generated code, Foxglove opens it, and any MCAP reader (Python `mcap`) hands the
/// message to `json.loads`. The price is a third more bytes than binary encodings.
///
/// Formats RawImage knows are written as recorded (rgb8, bgr8, mono8, mono16, yuyv, uyvy, the four
/// 8-bit Bayer orders); others (NV12, YU12, 10-bit Bayer...) are converted to rgb8 with
/// libv4lconvert, the closest fit; the channel's metadata says which.
public struct MCAPExporter {
    public let reader: RecordingReader

    public init(reader: RecordingReader) {
        self.reader = reader
    }

    /// RawImage encodings of recorded fourccs that Foxglove displays as they are.
    static let nativeEncodings: [String: String] = [
        "RGB3": "rgb8", "BGR3": "bgr8", "GREY": "mono8", "Y16": "mono16", "YUYV": "yuyv", "UYVY": "uyvy",
        "BA81": "bayer_bggr8", "GBRG": "bayer_gbrg8", "GRBG": "bayer_grbg8", "RGGB": "bayer_rggb8",
    ]

    static let rawImageSchema = """
        {"title":"foxglove.RawImage","description":"A raw image","type":"object","properties":{\
        "timestamp":{"type":"object","title":"time","properties":{"sec":{"type":"integer","minimum":0},\
        "nsec":{"type":"integer","minimum":0,"maximum":999999999}},"description":"Timestamp of image"},\
        "frame_id":{"type":"string","description":"Frame of reference for the image"},\
        "width":{"type":"integer","minimum":0,"description":"Image width"},\
        "height":{"type":"integer","minimum":0,"description":"Image height"},\
        "encoding":{"type":"string","description":"Encoding of the raw image data"},\
        "step":{"type":"integer","minimum":0,"description":"Byte length of a single row"},\
        "data":{"type":"string","contentEncoding":"base64","description":"Raw image data"}}}
        """

    static let metadataSchema = """
        {"title":"camrec.MetadataBuffer","description":"One buffer of a V4L2 metadata stream, as recorded",\
        "type":"object","properties":{"timestamp":{"type":"object","title":"time","properties":{\
        "sec":{"type":"integer","minimum":0},"nsec":{"type":"integer","minimum":0,"maximum":999999999}}},\
        "stream":{"type":"string"},"fourcc":{"type":"string"},"sequence":{"type":"integer"},\
        "status":{"type":"string"},"data":{"type":"string","contentEncoding":"base64"}}}
        """

    /// Writes `streams` (all when empty); returns the number of messages.
    /// `progress(done, total)` is called after each buffer.
    public func export(streams selected: [StreamDescription] = [], to path: String, replace: Bool,
                       progress: (Int, Int) -> Void = { _, _ in }) throws(InspectError) -> Int {
        let streams = selected.isEmpty ? reader.streams : selected
        let writer = try MCAPWriter(path: path, replace: replace, library: "camrec \(FormatVersion.camrec)")
        try writer.addSchema(id: 1, name: "foxglove.RawImage", encoding: "jsonschema", data: Array(Self.rawImageSchema.utf8))
        try writer.addSchema(id: 2, name: "camrec.MetadataBuffer", encoding: "jsonschema",
                             data: Array(Self.metadataSchema.utf8))
        var channels: [Int: UInt16] = [:]
        for (position, stream) in streams.enumerated() {
            let channel = UInt16(position + 1)
            channels[stream.id] = channel
            let fourcc = stream.format.pixelFormat.description
            var metadata = ["fourcc": fourcc, "width": "\(stream.format.width)", "height": "\(stream.format.height)",
                            "camrec_stream_id": "\(stream.id)"]
            if stream.kind == .video {
                metadata["encoding"] = Self.nativeEncodings[fourcc].map { "\($0) (as recorded)" }
                    ?? "rgb8 (converted from \(fourcc) with libv4lconvert)"
            }
            try writer.addChannel(id: channel, schemaID: stream.kind == .video ? 1 : 2, topic: "/camrec/\(stream.name)",
                                  messageEncoding: "json", metadata: metadata)
        }
        let exporter = FrameExporter(reader: reader)
        let byID = Dictionary(uniqueKeysWithValues: streams.map { ($0.id, $0) })
        // One buffer in memory at a time, whatever the recording's length.
        let total: Int
        let cursor: BufferCursor
        do {
            total = try reader.bufferCount(streamIDs: streams.map(\.id))
            cursor = try reader.bufferCursor(streamIDs: streams.map(\.id))
        } catch {
            throw .store(error)
        }
        var position = 0
        while true {
            let next: IndexedBuffer?
            do {
                next = try cursor.next()
            } catch {
                throw .store(error)
            }
            guard let buffer = next else { break }
            position += 1
            guard let stream = byID[buffer.streamID], let channel = channels[buffer.streamID] else { continue }
            let timestamp = max(0, buffer.metadata.timestamp.nanoseconds)
            let time = "{\"sec\":\(timestamp / 1_000_000_000),\"nsec\":\(timestamp % 1_000_000_000)}"
            var json: String
            if stream.kind == .video {
                let fourcc = stream.format.pixelFormat.description
                let width = Int(stream.format.width)
                let encoding: String
                let step: Int
                let pixels: [UInt8]
                if let native = Self.nativeEncodings[fourcc], buffer.planes.count == 1 {
                    encoding = native
                    pixels = try exporter.planePayloads(buffer)[0]
                    let minimum = width * (["rgb8", "bgr8"].contains(native) ? 3 : ["mono16", "yuyv", "uyvy"].contains(native) ? 2 : 1)
                    step = max(Int(stream.format.planes.first?.bytesPerLine ?? 0), minimum)
                } else {
                    let image = try exporter.image(buffer, of: stream)
                    encoding = "rgb8"
                    pixels = image.pixels
                    step = width * 3
                }
                json = "{\"timestamp\":\(time),\"frame_id\":\(Self.quoted(stream.name)),\"width\":\(width),"
                    + "\"height\":\(stream.format.height),\"encoding\":\"\(encoding)\",\"step\":\(step),\"data\":\""
                json += Data(pixels).base64EncodedString()
                json += "\"}"
            } else {
                let bytes = try exporter.planePayloads(buffer).flatMap { $0 }
                json = "{\"timestamp\":\(time),\"stream\":\(Self.quoted(stream.name)),"
                    + "\"fourcc\":\(Self.quoted(stream.format.pixelFormat.description)),\"sequence\":\(buffer.metadata.sequence),"
                    + "\"status\":\"\(buffer.metadata.status.rawValue)\",\"data\":\"\(Data(bytes).base64EncodedString())\"}"
            }
            try writer.addMessage(channelID: channel, sequence: buffer.metadata.sequence, logTime: UInt64(timestamp),
                                  publishTime: UInt64(timestamp), data: Array(json.utf8))
            progress(position, total)
        }
        try writer.finish()
        return position
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
