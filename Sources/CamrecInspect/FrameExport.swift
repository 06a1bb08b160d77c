import CamrecStore
import Foundation

/// The file types `camrec export` writes, chosen by the output's extension.
public enum ExportFileType: String, Sendable, CaseIterable {
    /// The exact recorded bytes, planes concatenated.
    case raw
    /// RGB24 as binary Netpbm.
    case ppm
    /// RGB24 as PNG.
    case png
    /// Every buffer of a YUV stream as YUV4MPEG2.
    case y4m
    /// Every buffer of every (or the chosen) stream as MCAP messages.
    case mcap

    /// The type named by a path's extension, or nil.
    public init?(path: String) {
        self.init(rawValue: (path as NSString).pathExtension.lowercased())
    }

    /// Whether one file holds many buffers.
    public var holdsManyBuffers: Bool { self == .y4m || self == .mcap }
}

/// Exports buffers of a recording to files: one buffer as .raw/.ppm/.png, every buffer of a
/// stream as numbered .raw/.ppm/.png files or one .y4m.
public struct FrameExporter {
    public let reader: RecordingReader

    public init(reader: RecordingReader) {
        self.reader = reader
    }

    /// The stream with this name or number, or a clear error listing those there are.
    public func stream(named name: String) throws(InspectError) -> StreamDescription {
        guard let stream = reader.stream(named: name) else {
            throw .noSuchStream(recording: reader.path, requested: name, available: reader.streams.map(\.name))
        }
        return stream
    }

    /// The buffer of `stream` with `sequence`.
    public func buffer(of stream: StreamDescription, sequence: UInt32) throws(InspectError) -> IndexedBuffer {
        let matches: [IndexedBuffer]
        do {
            matches = try reader.buffers(streamID: stream.id, where: .sequence(sequence))
        } catch {
            throw .store(error)
        }
        guard let buffer = matches.first else {
            throw .noSuchBuffer(recording: reader.path, stream: stream.name, sequence: sequence)
        }
        return buffer
    }

    /// Each plane's payload: its stored bytes from `data_offset` on.
    public func planePayloads(_ buffer: IndexedBuffer) throws(InspectError) -> [[UInt8]] {
        try planeBytes(buffer).map(\.payload)
    }

    /// Each plane's stored bytes split at its `data_offset`: what the driver put before the payload
    /// (usually nothing) and the payload.
    public func planeBytes(_ buffer: IndexedBuffer) throws(InspectError) -> [PlaneBytes] {
        var planes: [PlaneBytes] = []
        for plane in buffer.planes {
            let bytes: [UInt8]
            do {
                bytes = try reader.readPlane(plane)
            } catch {
                throw .store(error)
            }
            let offset = min(Int(plane.metadata.dataOffset), bytes.count)
            planes.append(offset == 0 ? PlaneBytes(header: [], payload: bytes)
                          : PlaneBytes(header: Array(bytes[..<offset]), payload: Array(bytes[offset...])))
        }
        return planes
    }

    /// The buffer converted to RGB24 (libv4lconvert).
    public func image(_ buffer: IndexedBuffer, of stream: StreamDescription) throws(InspectError) -> RGBImage {
        guard stream.kind == .video else {
            throw .unsupportedFormat(fourcc: stream.format.pixelFormat.description, target: "an image",
                                     remedy: "'\(stream.name)' is a metadata stream; export it as .raw or .mcap")
        }
        let planes = try planePayloads(buffer)
        do {
            return try RGBConverter.convert(planes: planes, format: stream.format)
        } catch {
            throw .conversionFailed(stream: stream.name, sequence: buffer.metadata.sequence,
                                    fourcc: stream.format.pixelFormat.description, message: error.description)
        }
    }

    /// The bytes of one buffer as a file of `type` (.raw, .ppm or .png).
    public func fileBytes(_ buffer: IndexedBuffer, of stream: StreamDescription, as type: ExportFileType) throws(InspectError) -> [UInt8] {
        switch type {
        case .raw:
            do {
                return try reader.readBuffer(buffer)
            } catch {
                throw .store(error)
            }
        case .ppm:
            return ImageFile.ppm(try image(buffer, of: stream))
        case .png:
            do {
                return try ImageFile.png(try image(buffer, of: stream))
            } catch let error as InspectError {
                throw error
            } catch {
                throw .conversionFailed(stream: stream.name, sequence: buffer.metadata.sequence,
                                        fourcc: stream.format.pixelFormat.description, message: "\(error)")
            }
        case .y4m, .mcap:
            throw .unsupportedFormat(fourcc: stream.format.pixelFormat.description, target: ".\(type.rawValue)",
                                     remedy: "one buffer is written as .raw, .ppm or .png")
        }
    }

    /// Writes one buffer; returns the bytes written.
    @discardableResult
    public func export(stream: StreamDescription, sequence: UInt32, as type: ExportFileType, to path: String,
                       replace: Bool) throws(InspectError) -> Int {
        let buffer = try buffer(of: stream, sequence: sequence)
        let bytes = try fileBytes(buffer, of: stream, as: type)
        try OutputFile.write(bytes, to: path, replace: replace)
        return bytes.count
    }

    /// `pattern` with `{sequence}` replaced by the buffer's sequence number (zero-padded to 6).
    public static func path(pattern: String, sequence: UInt32) -> String {
        let digits = String(sequence)
        let padded = String(repeating: "0", count: max(0, 6 - digits.count)) + digits
        return pattern.replacingOccurrences(of: "{sequence}", with: padded)
    }

    /// Writes every buffer of a stream, one file each, named by `pattern` (which must contain
    /// `{sequence}`). Returns the number of files. `progress(done, total)` after each.
    public func exportAll(stream: StreamDescription, as type: ExportFileType, pattern: String, replace: Bool,
                          progress: (Int, Int) -> Void = { _, _ in }) throws(InspectError) -> Int {
        do {
            // One buffer in memory at a time, whatever the recording's length.
            let total = try reader.bufferCount(streamIDs: [stream.id])
            let cursor = try reader.bufferCursor(streamIDs: [stream.id])
            var written = 0
            while let buffer = try cursor.next() {
                let bytes = try fileBytes(buffer, of: stream, as: type)
                try OutputFile.write(bytes, to: Self.path(pattern: pattern, sequence: buffer.metadata.sequence), replace: replace)
                written += 1
                progress(written, total)
            }
            return written
        } catch let error as InspectError {
            throw error
        } catch let error as StoreError {
            throw .store(error)
        } catch {
            throw .store(.invalid(path: reader.path, reason: "\(error)"))
        }
    }

    /// Writes a YUV stream as one .y4m (every buffer, or those with sequences in `sequences`).
    /// Returns the number of frames. Walks the buffers twice (the rate first, then the frames),
    /// one at a time.
    public func exportY4M(stream: StreamDescription, sequences: ClosedRange<Int64>? = nil, to path: String,
                          replace: Bool, progress: (Int, Int) -> Void = { _, _ in }) throws(InspectError) -> Int {
        guard Y4MWriter.supportedFourCCs.contains(stream.format.pixelFormat.description) else {
            throw .unsupportedFormat(fourcc: stream.format.pixelFormat.description, target: ".y4m",
                                     remedy: "y4m holds YUV (NV12, YU12, YUYV, UYVY, GREY...); export .png frames or .mcap instead")
        }
        func selected(_ buffer: IndexedBuffer) -> Bool { sequences.map { $0.contains(Int64(buffer.metadata.sequence)) } ?? true }
        do {
            var span = RateSpan()
            let first = try reader.bufferCursor(streamIDs: [stream.id])
            while let buffer = try first.next() {
                if selected(buffer) { span.add(buffer) }
            }
            let writer = try Y4MWriter(path: path, replace: replace, format: stream.format, framesPerSecond: span.rate)
            let cursor = try reader.bufferCursor(streamIDs: [stream.id])
            var done = 0
            while let buffer = try cursor.next() {
                guard selected(buffer) else { continue }
                try writer.append(planes: try planePayloads(buffer))
                done += 1
                progress(done, span.count)
            }
            try writer.close()
            return writer.frames
        } catch let error as InspectError {
            throw error
        } catch let error as StoreError {
            throw .store(error)
        } catch {
            throw .store(.invalid(path: reader.path, reason: "\(error)"))
        }
    }

/// The nominal rate of a run of buffers from its first and last: sequence steps, not buffers,
/// so dropped frames do not lower it; 30 when it cannot tell.
private struct RateSpan {
    var count = 0
    var firstSequence: UInt32 = 0
    var lastSequence: UInt32 = 0
    var firstTimestamp: Int64 = 0
    var lastTimestamp: Int64 = 0

    mutating func add(_ buffer: IndexedBuffer) {
        if count == 0 {
            firstSequence = buffer.metadata.sequence
            firstTimestamp = buffer.metadata.timestamp.nanoseconds
        }
        lastSequence = buffer.metadata.sequence
        lastTimestamp = buffer.metadata.timestamp.nanoseconds
        count += 1
    }

    var rate: Double {
        guard count > 1, lastTimestamp > firstTimestamp else { return 30 }
        let steps = Double(Int64(lastSequence) - Int64(firstSequence))
        // Timestamps from the index: subtracted as Doubles, which cannot overflow.
        return (steps > 0 ? steps : Double(count - 1)) / ((Double(lastTimestamp) - Double(firstTimestamp)) / 1e9)
    }
}
}
