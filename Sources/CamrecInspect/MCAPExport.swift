import CamrecStore

/// Exports a recording as an indexed MCAP file (`MCAPWriter`) that Foxglove displays and fleet
/// tools (Foxglove's data platform, Ray Data's `read_mcap`) index and query in place. Messages are
/// protobuf, their schemas embedded as FileDescriptorSets (proto/ has the .proto files):
/// - a video stream NAME: topic `/camrec/NAME`, one image per buffer with the recorded bytes
///   (`foxglove.RawImage`; `foxglove.CompressedImage` for MJPEG/JPEG; `foxglove.CompressedVideo` for
///   H.264/HEVC/VP9/AV1; see `MCAPImageEncoding`), and topic `/camrec/NAME/buffer`, one
///   `camrec.Buffer` per buffer (sequence, status, flags, field, planes, format with colorimetry);
/// - a metadata stream NAME: topic `/camrec/NAME`, one `camrec.Buffer` per buffer with its bytes;
/// - `/camrec/events`: `camrec.Event` for each driver drop (sequence gap), recorder drop and note.
/// Log and publish time are the buffer's recorded timestamp (ns; or calendar time, `MCAPLogClock`),
/// the MCAP sequence its V4L2 sequence. A metadata record `camrec` describes the recording (device, driver, card, camrec
/// version, host, command), and one named `foxglove` gives the `deviceName` Foxglove files it under.
///
/// Buffers are read one at a time through `BufferCursor` and written into bounded chunks, so the
/// export takes the same memory for a minute or a day of recording.
public struct MCAPExporter {
    public let reader: RecordingReader

    public init(reader: RecordingReader) {
        self.reader = reader
    }

    /// What an export wrote.
    public struct Result: Sendable, Equatable {
        /// Buffers exported (each gives one or two messages).
        public var buffers: Int
        /// `/camrec/events` messages.
        public var events: Int
        /// Every message in the file.
        public var messages: Int
    }

    /// A video stream's image channel.
    private struct ImageChannel {
        var channel: UInt16
        var encoding: MCAPImageEncoding
    }

    /// The channels of one exported stream.
    private struct StreamChannels {
        var stream: StreamDescription
        /// Video streams: the image channel and how images are carried.
        var image: ImageChannel?
        /// The camrec.Buffer channel (with the bytes for a metadata stream).
        var buffer: UInt16
    }

    /// Writes the export to `path`. `progress(done, total)` is called after each buffer of the
    /// exported streams (total counts them all, in the window or not).
    public func export(to path: String, replace: Bool, options: MCAPExportOptions = MCAPExportOptions(),
                       progress: (Int, Int) -> Void = { _, _ in }) throws(InspectError) -> Result {
        let streams = options.streams.isEmpty ? reader.streams : options.streams
        guard streams.count < 20_000 else {
            throw .output(path: path, reason: "\(streams.count) streams do not fit MCAP's 16-bit channel ids; export fewer with --stream")
        }
        let writer = try MCAPWriter(path: path, replace: replace, library: "camrec \(FormatVersion.camrec)",
                                    compressionLevel: options.compressionLevel, chunkSize: options.chunkSize)
        try writer.addMetadata(name: "camrec", recordingMetadata(streams: streams))
        try writer.addMetadata(name: "foxglove", ["deviceName": options.deviceName ?? reader.info.host])

        // Schemas, each once, in the order streams need them; then the channels.
        var schemaIDs: [String: UInt16] = [:]
        func schema(_ name: String, _ descriptor: [UInt8]) throws(InspectError) -> UInt16 {
            if let id = schemaIDs[name] { return id }
            let id = UInt16(schemaIDs.count + 1)
            try writer.addSchema(id: id, name: name, encoding: "protobuf", data: descriptor)
            schemaIDs[name] = id
            return id
        }
        var nextChannel: UInt16 = 1
        func channel(schemaID: UInt16, topic: String, metadata: [String: String]) throws(InspectError) -> UInt16 {
            let id = nextChannel
            nextChannel += 1
            try writer.addChannel(id: id, schemaID: schemaID, topic: topic, messageEncoding: "protobuf", metadata: metadata)
            return id
        }
        var channelsByStream: [Int: StreamChannels] = [:]
        for stream in streams {
            let metadata = Self.channelMetadata(stream)
            let bufferSchema = try schema("camrec.Buffer", MCAPSchemaDescriptors.buffer)
            if stream.kind == .video {
                let encoding = MCAPImageEncoding(format: stream.format)
                let descriptor: [UInt8]
                switch encoding {
                case .raw: descriptor = MCAPSchemaDescriptors.rawImage
                case .compressedImage: descriptor = MCAPSchemaDescriptors.compressedImage
                case .compressedVideo: descriptor = MCAPSchemaDescriptors.compressedVideo
                }
                var imageMetadata = metadata
                if case let .raw(name, false) = encoding {
                    imageMetadata["encoding_note"] = "Foxglove has no RawImage encoding for \(stream.format.pixelFormat); "
                        + "data holds the recorded bytes (each plane's payload in plane order) and encoding is \(name)"
                }
                let image = try channel(schemaID: try schema(encoding.schemaName, descriptor), topic: "/camrec/\(stream.name)",
                                        metadata: imageMetadata)
                let buffer = try channel(schemaID: bufferSchema, topic: "/camrec/\(stream.name)/buffer", metadata: metadata)
                channelsByStream[stream.id] = StreamChannels(stream: stream, image: ImageChannel(channel: image, encoding: encoding), buffer: buffer)
            } else {
                let buffer = try channel(schemaID: bufferSchema, topic: "/camrec/\(stream.name)", metadata: metadata)
                channelsByStream[stream.id] = StreamChannels(stream: stream, image: nil, buffer: buffer)
            }
        }
        let eventsChannel = try channel(schemaID: try schema("camrec.Event", MCAPSchemaDescriptors.event),
                                        topic: "/camrec/events", metadata: [:])

        let total: Int
        let cursor: BufferCursor
        let notes: MCAPNoteEvents
        do {
            total = try reader.bufferCount(streamIDs: streams.map(\.id))
            cursor = try reader.bufferCursor(streamIDs: streams.map(\.id))
            notes = try MCAPNoteEvents(reader: reader, streams: streams)
        } catch {
            throw .store(error)
        }
        var result = Result(buffers: 0, events: 0, messages: 0)
        func write(_ event: MCAPEvent) throws(InspectError) {
            let time = options.logClock.logTime(event.timestamp, info: reader.info)
            try writer.addMessage(channelID: eventsChannel, sequence: event.sequence ?? 0, logTime: time, publishTime: time,
                                  prefix: MCAPMessageBodies.event(event))
            result.events += 1
            result.messages += 1
        }
        // The next note not yet written: notes go out among the buffers by time.
        var pendingNote: MCAPEvent?
        func nextNote() throws(InspectError) -> MCAPEvent? {
            do {
                while let note = try notes.next() {
                    if options.includes(sequence: note.stream == nil ? nil : note.sequence, timestamp: note.timestamp) { return note }
                }
                return nil
            } catch {
                throw .store(error)
            }
        }
        pendingNote = try nextNote()
        var previousSequence: [Int: UInt32] = [:]
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
            defer { progress(position, total) }
            let metadata = buffer.metadata
            guard let channels = channelsByStream[buffer.streamID],
                  options.includes(sequence: metadata.sequence, timestamp: metadata.timestamp.nanoseconds) else { continue }
            while let note = pendingNote, note.timestamp <= metadata.timestamp.nanoseconds {
                try write(note)
                pendingNote = try nextNote()
            }
            // Driver drops: the sequence numbers skipped since this stream's previous exported buffer.
            if let previous = previousSequence[buffer.streamID] {
                let missing = DriverDrops.missing(after: previous, before: metadata.sequence)
                if missing > 0 {
                    try write(MCAPEvent(timestamp: metadata.timestamp.nanoseconds, kind: "driver_drop", stream: channels.stream.name,
                                        sequence: previous + 1, missing: missing,
                                        message: "\(missing) buffers missing before sequence \(metadata.sequence)",
                                        wallNanoseconds: nil))
                }
            }
            previousSequence[buffer.streamID] = metadata.sequence
            try writeBuffer(buffer, channels: channels, writer: writer, clock: options.logClock)
            result.buffers += 1
            result.messages += channels.image == nil ? 1 : 2
        }
        while let note = pendingNote {
            try write(note)
            pendingNote = try nextNote()
        }
        try writer.finish()
        return result
    }

    /// The messages of one buffer: its image and its camrec.Buffer, or for a metadata stream one
    /// camrec.Buffer with its bytes.
    private func writeBuffer(_ buffer: IndexedBuffer, channels: StreamChannels, writer: MCAPWriter,
                             clock: MCAPLogClock) throws(InspectError) {
        let planes = try FrameExporter(reader: reader).planeBytes(buffer)
        let payloads = planes.map(\.payload)
        let headers = planes.map(\.header)
        let dataLength = payloads.reduce(0) { $0 + $1.count }
        let timestamp = buffer.metadata.timestamp.nanoseconds
        let time = clock.logTime(timestamp, info: reader.info)
        if let image = channels.image {
            try writer.addMessage(channelID: image.channel, sequence: buffer.metadata.sequence, logTime: time, publishTime: time,
                                  prefix: MCAPMessageBodies.imagePrefix(image.encoding, stream: channels.stream, timestamp: timestamp,
                                                                        dataLength: dataLength),
                                  payloads: payloads)
            try writer.addMessage(channelID: channels.buffer, sequence: buffer.metadata.sequence, logTime: time, publishTime: time,
                                  prefix: MCAPMessageBodies.bufferPrefix(buffer, stream: channels.stream, planeHeaders: headers,
                                                                         dataLength: 0))
        } else {
            try writer.addMessage(channelID: channels.buffer, sequence: buffer.metadata.sequence, logTime: time, publishTime: time,
                                  prefix: MCAPMessageBodies.bufferPrefix(buffer, stream: channels.stream, planeHeaders: headers,
                                                                         dataLength: dataLength),
                                  payloads: payloads)
        }
    }

    /// The `camrec` metadata record: the recording's description.
    func recordingMetadata(streams: [StreamDescription]) -> [String: String] {
        let info = reader.info
        var metadata = [
            "recording": reader.path, "camrec_version": info.camrecVersion, "exported_by": "camrec \(FormatVersion.camrec)",
            "format_version": "\(info.formatVersion)", "host": info.host, "command": info.commandLine, "source": info.source,
            "start_wall_ns": "\(info.startWallNanoseconds)", "start_monotonic_ns": "\(info.startMonotonicNanoseconds)",
            "streams": streams.map(\.name).joined(separator: ","),
        ]
        if let sourceRecording = info.sourceRecording { metadata["source_recording"] = sourceRecording }
        if let sourceDevice = info.sourceDevice { metadata["source_device"] = sourceDevice }
        // The devices, each once, in stream order; the synthetic camera has none.
        func unique(_ values: [String]) -> String {
            var seen = Set<String>()
            return values.filter { seen.insert($0).inserted }.joined(separator: ",")
        }
        let devices = streams.compactMap(\.device)
        metadata["device"] = devices.isEmpty ? info.source : unique(devices.map(\.path))
        if !devices.isEmpty {
            metadata["driver"] = unique(devices.map(\.driver))
            metadata["card"] = unique(devices.map(\.card))
            metadata["bus_info"] = unique(devices.map(\.busInfo))
        }
        return metadata
    }

    /// A stream's channel metadata: its format, whole, and its device.
    static func channelMetadata(_ stream: StreamDescription) -> [String: String] {
        let format = stream.format
        var metadata = [
            "stream": stream.name, "camrec_stream_id": "\(stream.id)", "kind": stream.kind.rawValue,
            "fourcc": format.pixelFormat.description, "fourcc_code": "\(format.pixelFormat.rawValue)",
            "buffer_type": "\(format.bufferType)", "width": "\(format.width)", "height": "\(format.height)",
            "field": "\(format.field)", "colorspace": "\(format.colorspace)", "ycbcr_encoding": "\(format.ycbcrEncoding)",
            "quantization": "\(format.quantization)", "transfer_function": "\(format.transferFunction)",
            "format_flags": "\(format.flags)", "planes": "\(format.planes.count)",
            "bytesperline": format.planes.map { "\($0.bytesPerLine)" }.joined(separator: ","),
            "sizeimage": format.planes.map { "\($0.sizeImage)" }.joined(separator: ","),
        ]
        if let device = stream.device {
            metadata["device"] = device.path
            metadata["driver"] = device.driver
            metadata["card"] = device.card
            metadata["bus_info"] = device.busInfo
        }
        return metadata
    }
}
