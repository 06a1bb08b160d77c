import CamrecInspect
import CamrecStore
import V4L2Vocabulary
import Foundation
import Testing

/// MCAP export, read back with the Python `mcap` package and its protobuf messages decoded with the
/// `protobuf` package from the FileDescriptorSets embedded in the file (PyPI: `pip install mcap protobuf`),
/// as any other tool would.
@Suite struct MCAPExportTests {
    /// Prints the summary, the metadata records and every message (file order) as JSON; bytes
    /// fields as base64, `_stamp` the protobuf timestamp in ns.
    static let readBack = #"""
import json, sys
from mcap.reader import make_reader
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, json_format
classes = {}
def message_class(schema):
    if schema.id not in classes:
        files = descriptor_pb2.FileDescriptorSet.FromString(schema.data)
        pool = descriptor_pool.DescriptorPool()
        for file in files.file:
            pool.Add(file)
        classes[schema.id] = message_factory.GetMessageClass(pool.FindMessageTypeByName(schema.name))
    return classes[schema.id]
with open(sys.argv[1], 'rb') as f:
    reader = make_reader(f)
    summary = reader.get_summary()
    statistics = summary.statistics
    out = {'statistics': {'messages': statistics.message_count, 'chunks': statistics.chunk_count,
                          'metadata': statistics.metadata_count, 'start': statistics.message_start_time,
                          'end': statistics.message_end_time,
                          'per_topic': {summary.channels[c].topic: n for c, n in statistics.channel_message_counts.items()}},
           'chunk_indexes': [{'compression': c.compression, 'message_indexes': len(c.message_index_offsets),
                              'compressed': c.compressed_size, 'uncompressed': c.uncompressed_size} for c in summary.chunk_indexes],
           'channels': {c.topic: {'schema': summary.schemas[c.schema_id].name, 'encoding': c.message_encoding,
                                  'metadata': dict(c.metadata)} for c in summary.channels.values()},
           'schemas': sorted((s.name, s.encoding) for s in summary.schemas.values()),
           'metadata': {m.name: dict(m.metadata) for m in reader.iter_metadata()},
           'messages': []}
    for schema, channel, message in reader.iter_messages(log_time_order=False):
        body = message_class(schema).FromString(message.data)
        fields = json_format.MessageToDict(body, preserving_proto_field_name=True)
        fields['_stamp'] = body.timestamp.seconds * 1000000000 + body.timestamp.nanos
        out['messages'].append({'topic': channel.topic, 'log_time': message.log_time,
                                'publish_time': message.publish_time, 'sequence': message.sequence, 'body': fields})
print(json.dumps(out))
"""#

    /// The export read back, or a recorded issue when Python or its packages are missing.
    static func read(_ path: String) throws -> [String: Any] {
        let python = try #require(Fixtures.which("python3"), "python3 is needed")
        let check = try Fixtures.run(executable: python, ["-c", "import mcap, google.protobuf"])
        try #require(check.status == 0, "the Python packages are missing: pip install mcap protobuf")
        let run = try Fixtures.run(executable: python, ["-c", readBack, path])
        try #require(run.status == 0, "\(run.standardError)")
        return try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
    }

    static func messages(_ export: [String: Any], topic: String) -> [[String: Any]] {
        ((export["messages"] as? [[String: Any]]) ?? []).filter { $0["topic"] as? String == topic }
    }

    static func body(_ message: [String: Any]) -> [String: Any] { message["body"] as? [String: Any] ?? [:] }

    /// A bytes field the Python side printed as base64.
    static func bytes(_ message: [String: Any], _ field: String) -> [UInt8] {
        (body(message)[field] as? String).flatMap { Data(base64Encoded: $0) }.map { Array($0) } ?? []
    }

    /// Each plane's payload (from data_offset) concatenated: what an image message must carry.
    static func payload(_ buffer: IndexedBuffer, _ reader: RecordingReader) throws -> [UInt8] {
        try FrameExporter(reader: reader).planePayloads(buffer).flatMap { $0 }
    }

    @Test func exportIsChunkedIndexedAndSummarisedWithInfoStatistics() throws {
        let folder = try Fixtures.temporaryFolder()
        let path = try Fixtures.syntheticRecording(in: folder)
        let output = folder + "/out.mcap"
        let run = try Fixtures.camrec(["export", path, "-o", output])
        #expect(run.status == 0, "\(run.standardError)")
        let export = try Self.read(output)
        let reader = try RecordingReader(path: path)
        let overview = try RecordingOverview(reader: reader)

        // Chunked with zstd, each chunk indexed with its message indexes.
        let statistics = try #require(export["statistics"] as? [String: Any])
        let chunks = try #require(export["chunk_indexes"] as? [[String: Any]])
        #expect(!chunks.isEmpty && chunks.count == statistics["chunks"] as? Int)
        for chunk in chunks {
            #expect(chunk["compression"] as? String == "zstd")
            #expect((chunk["message_indexes"] as? Int ?? 0) > 0)
            #expect((chunk["compressed"] as? Int ?? 0) < (chunk["uncompressed"] as? Int ?? 0))
        }
        #expect(export["schemas"] as? [[String]] == [["camrec.Buffer", "protobuf"], ["camrec.Event", "protobuf"],
                                                     ["foxglove.RawImage", "protobuf"]])

        // The summary's statistics are camrec info's.
        let perTopic = try #require(statistics["per_topic"] as? [String: Int])
        var first = Int64.max
        var last = Int64.min
        for stream in overview.streams {
            let name = stream.description.name
            let buffers = Int(stream.statistics.buffers)
            if stream.description.kind == .video {
                #expect(perTopic["/camrec/\(name)"] == buffers, "\(name)")
                #expect(perTopic["/camrec/\(name)/buffer"] == buffers, "\(name)")
            } else {
                #expect(perTopic["/camrec/\(name)"] == buffers, "\(name)")
            }
            first = min(first, stream.statistics.firstTimestampNanoseconds ?? .max)
            last = max(last, stream.statistics.lastTimestampNanoseconds ?? .min)
            // Errors from camrec.Buffer status, drops from /camrec/events.
            let bufferTopic = stream.description.kind == .video ? "/camrec/\(name)/buffer" : "/camrec/\(name)"
            let errors = Self.messages(export, topic: bufferTopic).filter { Self.body($0)["status"] as? String == "ERROR" }
            #expect(errors.count == Int(stream.statistics.errors), "\(name)")
            let events = Self.messages(export, topic: "/camrec/events").map(Self.body).filter { $0["stream"] as? String == name }
            let driverDrops = events.filter { $0["kind"] as? String == "driver_drop" }.reduce(0) { $0 + ($1["missing"] as? Int ?? 0) }
            #expect(driverDrops == Int(stream.statistics.driverDrops), "\(name)")
            #expect(events.filter { $0["kind"] as? String == "recorder_drop" }.count == Int(stream.statistics.recorderDrops))
        }
        #expect(overview.streams.contains { $0.statistics.driverDrops > 0 } && overview.streams.contains { $0.statistics.errors > 0 })
        #expect(statistics["start"] as? Int64 == first)
        #expect(statistics["end"] as? Int64 == last)
        // The stop note is an event too.
        let kinds = Self.messages(export, topic: "/camrec/events").compactMap { Self.body($0)["kind"] as? String }
        #expect(kinds.contains("stop"))

        // The recording's description, and the device name where Foxglove looks for it.
        let metadata = try #require(export["metadata"] as? [String: [String: String]])
        #expect(metadata["foxglove"]?["deviceName"] == reader.info.host)
        let camrec = try #require(metadata["camrec"])
        #expect(camrec["host"] == reader.info.host && camrec["command"] == reader.info.commandLine)
        #expect(camrec["camrec_version"] == reader.info.camrecVersion && camrec["device"] == reader.info.source)
    }

    @Test func everyImageAndMetadataMessageCarriesTheRecordedBytes() throws {
        let folder = try Fixtures.temporaryFolder()
        let path = try Fixtures.syntheticRecording(in: folder)
        let output = folder + "/out.mcap"
        let run = try Fixtures.camrec(["export", path, "-o", output, "--device-name", "rig-7"])
        #expect(run.status == 0, "\(run.standardError)")
        let export = try Self.read(output)
        let reader = try RecordingReader(path: path)
        let metadata = try #require(export["metadata"] as? [String: [String: String]])
        #expect(metadata["foxglove"]?["deviceName"] == "rig-7")
        var checked = 0
        for stream in reader.streams {
            let buffers = try reader.buffers(streamID: stream.id)
            let images = Self.messages(export, topic: "/camrec/\(stream.name)")
            let infos = stream.kind == .video ? Self.messages(export, topic: "/camrec/\(stream.name)/buffer") : images
            try #require(images.count == buffers.count && infos.count == buffers.count, "\(stream.name)")
            for (index, buffer) in buffers.enumerated() {
                let timestamp = buffer.metadata.timestamp.nanoseconds
                for message in [images[index], infos[index]] {
                    #expect(message["log_time"] as? Int64 == timestamp && message["publish_time"] as? Int64 == timestamp)
                    #expect(message["sequence"] as? Int == Int(buffer.metadata.sequence))
                    #expect(Self.body(message)["_stamp"] as? Int64 == timestamp)
                }
                let recorded = try Self.payload(buffer, reader)
                let info = Self.body(infos[index])
                #expect(info["stream"] as? String == stream.name)
                #expect((info["sequence"] as? Int ?? 0) == Int(buffer.metadata.sequence))
                #expect((info["flags"] as? Int ?? 0) == Int(buffer.metadata.flags.rawValue))
                #expect((info["field"] as? Int ?? 0) == Int(buffer.metadata.field.rawValue))
                let planes = info["planes"] as? [[String: Any]] ?? []
                #expect(planes.map { $0["bytes_used"] as? Int ?? 0 } == buffer.metadata.planes.map { Int($0.bytesUsed) })
                let format = info["format"] as? [String: Any] ?? [:]
                #expect(format["fourcc"] as? String == stream.format.pixelFormat.description)
                #expect((format["colorspace"] as? Int ?? 0) == Int(stream.format.colorspace))
                if stream.kind == .video {
                    let image = Self.body(images[index])
                    #expect(Self.bytes(images[index], "data") == recorded, "\(stream.name) \(buffer.metadata.sequence)")
                    #expect(image["width"] as? Int == Int(stream.format.width) && image["frame_id"] as? String == stream.name)
                    // NV12 and YUYV have RawImage encodings: no conversion.
                    #expect(image["encoding"] as? String == (stream.format.pixelFormat.description == "NV12" ? "nv12" : "yuyv"))
                    #expect(image["step"] as? Int == Int(stream.format.planes[0].bytesPerLine))
                } else {
                    #expect(Self.bytes(infos[index], "data") == recorded, "\(stream.name) \(buffer.metadata.sequence)")
                }
                checked += 1
            }
        }
        #expect(checked == (try reader.bufferCount()))
    }

    /// A two-plane NM12 recording (VIDEO_CAPTURE_MPLANE) whose second plane has a data offset,
    /// and a planar YU12 one RawImage has no encoding for, written directly with RecordingWriter.
    @Test func multiPlanarAndUnnamedFormatsKeepTheirBytes() throws {
        let folder = try Fixtures.temporaryFolder()
        let width: UInt32 = 16
        let height: UInt32 = 8
        let luma = Int(width * height)
        let path = folder + "/mp.camrec"
        let nm12 = StreamDescription(
            id: 1, name: "mp", kind: .video,
            format: VideoFormat(bufferType: .videoCaptureMultiplanar, pixelFormat: try #require(PixelFormat("NM12")), width: width, height: height,
                                 colorspace: 8, ycbcrEncoding: 2, quantization: 1,
                                 planes: [PlaneLayout(bytesPerLine: width, sizeImage: UInt32(luma)),
                                          PlaneLayout(bytesPerLine: width, sizeImage: UInt32(luma / 2 + 4))]))
        let yu12 = StreamDescription(
            id: 2, name: "planar", kind: .video,
            format: VideoFormat(bufferType: .videoCapture, pixelFormat: try #require(PixelFormat("YU12")), width: width, height: height,
                                 planes: [PlaneLayout(bytesPerLine: width, sizeImage: UInt32(luma * 3 / 2))]))
        let info = RecordingInfo(camrecVersion: FormatVersion.camrec, host: "test", commandLine: "test",
                                 startWallNanoseconds: 0, startMonotonicNanoseconds: 0, source: "test",
                                 requestToleranceNanoseconds: 0)
        let writer = try RecordingWriter(path: path, info: info, streams: [nm12, yu12])
        let encoder = try PlaneEncoder(level: 1)
        var bufferID: Int64 = 0
        for frame in 0..<5 {
            let timestamp = BufferTimestamp(nanoseconds: 2_000_000_000 + Int64(frame) * 40_000_000, clock: .monotonic)
            // Plane 1 starts with 4 bytes of driver header before its data offset.
            let planes = [(0..<luma).map { UInt8(truncatingIfNeeded: $0 * 7 + frame) },
                          (0..<(luma / 2 + 4)).map { UInt8(truncatingIfNeeded: 200 - $0 - frame) }]
            let layouts = [PlaneMetadata(bytesUsed: UInt32(luma), length: UInt32(luma)),
                           PlaneMetadata(bytesUsed: UInt32(luma / 2 + 4), dataOffset: 4, length: UInt32(luma / 2 + 4))]
            var encoded: [EncodedPlane] = []
            for (bytes, layout) in zip(planes, layouts) {
                encoded.append(try bytes.withUnsafeBytes { try encoder.encode($0, metadata: layout, as: .zstd) })
            }
            bufferID += 1
            try writer.append(EncodedBuffer(bufferID: bufferID, requestID: bufferID, requestJoin: .opened, streamID: 1,
                                            metadata: FrameMetadata(status: .ok, sequence: UInt32(frame), timestamp: timestamp,
                                                                     planes: layouts), planes: encoded))
            let planar = (0..<(luma * 3 / 2)).map { UInt8(truncatingIfNeeded: $0 ^ frame) }
            let layout = PlaneMetadata(bytesUsed: UInt32(planar.count), length: UInt32(planar.count))
            bufferID += 1
            try writer.append(EncodedBuffer(
                bufferID: bufferID, requestID: bufferID, requestJoin: .opened, streamID: 2,
                metadata: FrameMetadata(status: .ok, sequence: UInt32(frame), timestamp: timestamp, planes: [layout]),
                planes: [try planar.withUnsafeBytes { try encoder.encode($0, metadata: layout, as: .zstd) }]))
        }
        try writer.close(stopReason: "test")

        let output = folder + "/mp.mcap"
        let run = try Fixtures.camrec(["export", path, "-o", output])
        #expect(run.status == 0, "\(run.standardError)")
        let export = try Self.read(output)
        let reader = try RecordingReader(path: path)
        let channels = try #require(export["channels"] as? [String: [String: Any]])
        #expect((channels["/camrec/planar"]?["metadata"] as? [String: String])?["encoding_note"]?.contains("YU12") == true)
        for stream in reader.streams {
            let buffers = try reader.buffers(streamID: stream.id)
            let images = Self.messages(export, topic: "/camrec/\(stream.name)")
            let infos = Self.messages(export, topic: "/camrec/\(stream.name)/buffer")
            try #require(images.count == 5 && infos.count == 5)
            for (index, buffer) in buffers.enumerated() {
                #expect(Self.bytes(images[index], "data") == (try Self.payload(buffer, reader)))
                #expect(Self.body(images[index])["encoding"] as? String == (stream.name == "mp" ? "nv12" : "camrec:YU12"))
                let planes = Self.body(infos[index])["planes"] as? [[String: Any]] ?? []
                #expect(planes.count == buffer.planes.count)
                if stream.name == "mp" {
                    // The bytes before the data offset are kept in the plane's header field.
                    let stored = try reader.readPlane(buffer.planes[1])
                    let header = (planes[1]["header"] as? String).flatMap { Data(base64Encoded: $0) }.map { Array($0) }
                    #expect(header == Array(stored[0..<4]))
                    #expect(planes[1]["data_offset"] as? Int == 4)
                    let format = Self.body(infos[index])["format"] as? [String: Any] ?? [:]
                    #expect(format["buffer_type"] as? Int == 9 && format["ycbcr_encoding"] as? Int == 2)
                    #expect(format["quantization"] as? Int == 1 && (format["planes"] as? [Any])?.count == 2)
                }
            }
        }
    }

    /// The export is no more than 5% larger than the recording's stored bytes at the same zstd
    /// level (at level 3 it measures about 4-6% smaller: one zstd frame per 1 MiB chunk finds
    /// matches across frames that camrec's one frame per plane cannot).
    @Test func exportIsAtMostFivePercentLargerThanTheRecording() throws {
        let folder = try Fixtures.temporaryFolder()
        let path = try Fixtures.syntheticRecording(in: folder, frames: 30, width: 320, height: 180)
        let output = folder + "/out.mcap"
        let run = try Fixtures.camrec(["export", path, "-o", output, "--level", "3"])
        #expect(run.status == 0, "\(run.standardError)")
        let overview = try RecordingOverview(reader: try RecordingReader(path: path))
        let stored = overview.streams.reduce(Int64(0)) { $0 + $1.statistics.storedBytes }
        let size = try #require(try FileManager.default.attributesOfItem(atPath: output)[.size] as? Int64)
        #expect(Double(size) <= 1.05 * Double(stored), "MCAP \(size) bytes, recording stores \(stored)")
    }

    @Test func timeAndSequenceWindowsExportOnlyTheirBuffers() throws {
        let folder = try Fixtures.temporaryFolder()
        let path = try Fixtures.syntheticRecording(in: folder)
        let reader = try RecordingReader(path: path)
        let main = try #require(reader.stream(named: "main"))
        let buffers = try reader.buffers(streamID: main.id)
        let zero = try #require(buffers.first?.metadata.timestamp.nanoseconds)

        let bySequence = folder + "/seq.mcap"
        var run = try Fixtures.camrec(["export", path, "-o", bySequence, "--stream", "main", "--sequence", "10..20"])
        #expect(run.status == 0, "\(run.standardError)")
        var export = try Self.read(bySequence)
        var expected = buffers.filter { (10...20).contains($0.metadata.sequence) }.map { Int($0.metadata.sequence) }
        #expect(Self.messages(export, topic: "/camrec/main").compactMap { $0["sequence"] as? Int } == expected)
        #expect(Self.messages(export, topic: "/camrec/preview").isEmpty)
        let channels = try #require(export["channels"] as? [String: Any])
        #expect(Set(channels.keys) == ["/camrec/main", "/camrec/main/buffer", "/camrec/events"])

        // 0.2 s from the first buffer to 0.5 s, every stream.
        let byTime = folder + "/time.mcap"
        run = try Fixtures.camrec(["export", path, "-o", byTime, "--time", "0.2..0.5"])
        #expect(run.status == 0, "\(run.standardError)")
        export = try Self.read(byTime)
        let window = (zero + 200_000_000)...(zero + 500_000_000)
        expected = buffers.filter { window.contains($0.metadata.timestamp.nanoseconds) }.map { Int($0.metadata.sequence) }
        #expect(!expected.isEmpty && expected.count < buffers.count)
        #expect(Self.messages(export, topic: "/camrec/main").compactMap { $0["sequence"] as? Int } == expected)
        let statistics = try #require(export["statistics"] as? [String: Any])
        #expect((statistics["start"] as? Int64 ?? 0) >= window.lowerBound && (statistics["end"] as? Int64 ?? .max) <= window.upperBound)

        // Calendar log times: each recorded timestamp moved by the recording's start pair; the
        // messages' own timestamps stay the recorded ones.
        let wall = folder + "/wall.mcap"
        run = try Fixtures.camrec(["export", path, "-o", wall, "--stream", "main", "--log-time", "wall"])
        #expect(run.status == 0, "\(run.standardError)")
        export = try Self.read(wall)
        let offset = reader.info.startWallNanoseconds - reader.info.startMonotonicNanoseconds
        let images = Self.messages(export, topic: "/camrec/main")
        #expect(images.compactMap { $0["log_time"] as? Int64 } == buffers.map { $0.metadata.timestamp.nanoseconds + offset })
        #expect(images.compactMap { Self.body($0)["_stamp"] as? Int64 } == buffers.map(\.metadata.timestamp.nanoseconds))

        run = try Fixtures.camrec(["export", path, "-o", folder + "/bad.png", "--stream", "main", "--time", "0..1", "--sequence", "1"])
        #expect(run.status == 64 && run.standardError.contains("--time applies to .mcap"))
    }

    /// Bytes zstd cannot shrink, as a compressed format's are (a fixed LCG, so runs repeat).
    static func incompressible(_ count: Int, seed: UInt32) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(truncatingIfNeeded: state >> 24)
        }
    }

    @Test(arguments: [("MJPG", "foxglove.CompressedImage", "jpeg"), ("H264", "foxglove.CompressedVideo", "h264"),
                      ("HEVC", "foxglove.CompressedVideo", "h265")])
    func compressedFormatsGoOutAsFoxgloveCompressedMessagesWithTheirBytes(fourcc: String, schema: String, format: String) throws {
        let folder = try Fixtures.temporaryFolder()
        let frames = (0..<4).map { Self.incompressible(3000 + $0 * 517, seed: UInt32($0 + 1)) }
        let path = try Fixtures.singleStreamRecording(in: folder, name: "coded", fourcc: fourcc, width: 64, height: 48,
                                                      bytesPerLine: 0, frames: frames)
        let output = folder + "/coded.mcap"
        let run = try Fixtures.camrec(["export", path, "-o", output])
        #expect(run.status == 0, "\(run.standardError)")
        let export = try Self.read(output)
        let channels = try #require(export["channels"] as? [String: [String: Any]])
        #expect(channels["/camrec/coded"]?["schema"] as? String == schema)
        let images = Self.messages(export, topic: "/camrec/coded")
        #expect(images.map { Self.bytes($0, "data") } == frames)
        #expect(images.allSatisfy { Self.body($0)["format"] as? String == format && Self.body($0)["frame_id"] as? String == "coded" })
    }

    /// A chunk zstd cannot shrink (already-compressed frames) is stored as it is, and reads back.
    @Test func chunksZstdCannotShrinkAreStoredUncompressed() throws {
        let folder = try Fixtures.temporaryFolder()
        let output = folder + "/raw.mcap"
        let writer = try MCAPWriter(path: output, replace: false, library: "test", chunkSize: 4096)
        try writer.addSchema(id: 1, name: "camrec.Event", encoding: "protobuf", data: [])
        try writer.addChannel(id: 1, schemaID: 1, topic: "/noise", messageEncoding: "protobuf", metadata: [:])
        try writer.addChannel(id: 2, schemaID: 1, topic: "/zeros", messageEncoding: "protobuf", metadata: [:])
        // Noise alone in its chunks, then zeros alone in theirs: the first stay raw, the others shrink.
        for index in 0..<3 {
            try writer.addMessage(channelID: 1, sequence: UInt32(index), logTime: UInt64(index), publishTime: UInt64(index),
                                  prefix: [], payloads: [Self.incompressible(5000, seed: UInt32(index + 9))])
        }
        for index in 3..<6 {
            try writer.addMessage(channelID: 2, sequence: UInt32(index), logTime: UInt64(index), publishTime: UInt64(index),
                                  prefix: [], payloads: [[UInt8](repeating: 0, count: 5000)])
        }
        try writer.finish()
        let python = try #require(Fixtures.which("python3"))
        let run = try Fixtures.run(executable: python, ["-c", """
            import json, sys
            from mcap.reader import make_reader
            reader = make_reader(open(sys.argv[1], 'rb'))
            chunks = [c.compression for c in reader.get_summary().chunk_indexes]
            sizes = [len(m.data) for _, _, m in reader.iter_messages()]
            print(json.dumps({'chunks': chunks, 'sizes': sizes}))
            """, output])
        try #require(run.status == 0, "\(run.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
        #expect(object["chunks"] as? [String] == ["", "", "", "zstd", "zstd", "zstd"])
        #expect(object["sizes"] as? [Int] == Array(repeating: 5000, count: 6))
    }

    @Test func recorderDropsAndNotesAreEventsOfTheirStream() throws {
        let folder = try Fixtures.temporaryFolder()
        let path = folder + "/notes.camrec"
        let stream = StreamDescription(
            id: 1, name: "cam", kind: .video,
            format: VideoFormat(bufferType: .videoCapture, pixelFormat: try #require(PixelFormat("GREY")), width: 8, height: 2,
                                 planes: [PlaneLayout(bytesPerLine: 8, sizeImage: 16)]))
        let info = RecordingInfo(camrecVersion: FormatVersion.camrec, host: "rig", commandLine: "test",
                                 startWallNanoseconds: 0, startMonotonicNanoseconds: 0, source: "test",
                                 requestToleranceNanoseconds: 0)
        let writer = try RecordingWriter(path: path, info: info, streams: [stream])
        let encoder = try PlaneEncoder(level: 1)
        for sequence: UInt32 in [0, 1, 3, 4] {
            let bytes = [UInt8](repeating: UInt8(sequence), count: 16)
            let plane = PlaneMetadata(bytesUsed: 16, length: 16)
            let metadata = FrameMetadata(status: .ok, sequence: sequence,
                                          timestamp: BufferTimestamp(nanoseconds: 1_000_000_000 + Int64(sequence) * 10_000_000, clock: .monotonic),
                                          planes: [plane])
            try writer.append(EncodedBuffer(bufferID: Int64(sequence) + 1, requestID: Int64(sequence) + 1, requestJoin: .opened,
                                            streamID: 1, metadata: metadata,
                                            planes: [try bytes.withUnsafeBytes { try encoder.encode($0, metadata: plane, as: .zstd) }]))
        }
        try writer.addNote(kind: .recorderDrop, streamID: 1, sequence: 5, message: "memory budget full")
        try writer.addNote(kind: .error, message: "device error")
        try writer.close(stopReason: "test")

        let output = folder + "/notes.mcap"
        let run = try Fixtures.camrec(["export", path, "-o", output])
        #expect(run.status == 0, "\(run.standardError)")
        let events = Self.messages(try Self.read(output), topic: "/camrec/events").map(Self.body)
        let overview = try RecordingOverview(reader: try RecordingReader(path: path))
        #expect(overview.streams.first?.statistics.recorderDrops == 1 && overview.streams.first?.statistics.driverDrops == 1)
        let drops = events.filter { $0["kind"] as? String == "recorder_drop" }
        #expect(drops.count == 1 && drops.first?["stream"] as? String == "cam" && drops.first?["sequence"] as? Int == 5)
        #expect(drops.first?["missing"] as? Int == 1 && drops.first?["message"] as? String == "memory budget full")
        let gaps = events.filter { $0["kind"] as? String == "driver_drop" }
        #expect(gaps.count == 1 && gaps.first?["sequence"] as? Int == 2 && gaps.first?["missing"] as? Int == 1)
        #expect(events.contains { $0["kind"] as? String == "error" && $0["message"] as? String == "device error" && $0["stream"] == nil })
        #expect(events.contains { $0["kind"] as? String == "stop" && $0["message"] as? String == "test" })
    }

    /// 12,000 one-message chunks: their chunk indexes (over 1 MiB) go through the temporary file
    /// and come back whole in the summary.
    @Test func chunkIndexesPastOneMebibyteAreSpooledAndComeBackWhole() throws {
        let folder = try Fixtures.temporaryFolder()
        let output = folder + "/many.mcap"
        let writer = try MCAPWriter(path: output, replace: false, library: "test", chunkSize: 1)
        try writer.addSchema(id: 1, name: "camrec.Event", encoding: "protobuf", data: [])
        try writer.addChannel(id: 1, schemaID: 1, topic: "/tick", messageEncoding: "protobuf", metadata: [:])
        let count = 12_000
        for index in 0..<count {
            try writer.addMessage(channelID: 1, sequence: UInt32(index), logTime: UInt64(index) * 1000, publishTime: 0,
                                  prefix: [UInt8(truncatingIfNeeded: index)])
        }
        try writer.finish()
        let python = try #require(Fixtures.which("python3"))
        let run = try Fixtures.run(executable: python, ["-c", """
            import json, sys
            from mcap.reader import make_reader
            reader = make_reader(open(sys.argv[1], 'rb'))
            summary = reader.get_summary()
            starts = [c.message_start_time for c in summary.chunk_indexes]
            times = [m.log_time for _, _, m in reader.iter_messages(start_time=5000000, end_time=5010000)]
            print(json.dumps({'chunks': len(starts), 'statistics': summary.statistics.chunk_count,
                              'ordered': starts == sorted(starts), 'last': starts[-1], 'window': times}))
            """, output])
        try #require(run.status == 0, "\(run.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
        #expect(object["chunks"] as? Int == count && object["statistics"] as? Int == count)
        #expect(object["ordered"] as? Bool == true && object["last"] as? Int == (count - 1) * 1000)
        // An indexed read of a time window finds its messages through the chunk indexes.
        #expect(object["window"] as? [Int] == Array(stride(from: 5_000_000, to: 5_010_000, by: 1000)))
    }
}
