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
        var planes: [[UInt8]] = []
        for plane in buffer.planes {
            let bytes: [UInt8]
            do {
                bytes = try reader.readPlane(plane)
            } catch {
                throw .store(error)
            }
            let offset = min(Int(plane.metadata.dataOffset), bytes.count)
            planes.append(offset == 0 ? bytes : Array(bytes[offset...]))
        }
        return planes
    }

    /// The buffer converted to RGB24 (libv4lconvert).
    public func image(_ buffer: IndexedBuffer, of stream: StreamDescription) throws(InspectError) -> RGBImage {
        guard stream.kind == .video else {
            throw .unsupportedFormat(fourcc: stream.format.fourcc.description, target: "an image",
                                     remedy: "'\(stream.name)' is a metadata stream; export it as .raw or .mcap")
        }
        let planes = try planePayloads(buffer)
        do {
            return try RGBConverter.convert(planes: planes, format: stream.format)
        } catch {
            throw .conversionFailed(stream: stream.name, sequence: buffer.metadata.sequence,
                                    fourcc: stream.format.fourcc.description, message: error.description)
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
                                        fourcc: stream.format.fourcc.description, message: "\(error)")
            }
        case .y4m, .mcap:
            throw .unsupportedFormat(fourcc: stream.format.fourcc.description, target: ".\(type.rawValue)",
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
        let buffers: [IndexedBuffer]
        do {
            buffers = try reader.buffers(streamID: stream.id)
        } catch {
            throw .store(error)
        }
        for (position, buffer) in buffers.enumerated() {
            let bytes = try fileBytes(buffer, of: stream, as: type)
            try OutputFile.write(bytes, to: Self.path(pattern: pattern, sequence: buffer.metadata.sequence), replace: replace)
            progress(position + 1, buffers.count)
        }
        return buffers.count
    }

    /// Writes a YUV stream as one .y4m (every buffer, or those with sequences in `sequences`).
    /// Returns the number of frames.
    public func exportY4M(stream: StreamDescription, sequences: ClosedRange<Int64>? = nil, to path: String,
                          replace: Bool, progress: (Int, Int) -> Void = { _, _ in }) throws(InspectError) -> Int {
        guard Y4MWriter.supportedFourCCs.contains(stream.format.fourcc.description) else {
            throw .unsupportedFormat(fourcc: stream.format.fourcc.description, target: ".y4m",
                                     remedy: "y4m holds YUV (NV12, YU12, YUYV, UYVY, GREY...); export .png frames or .mcap instead")
        }
        var buffers: [IndexedBuffer]
        do {
            buffers = try reader.buffers(streamID: stream.id)
        } catch {
            throw .store(error)
        }
        if let sequences { buffers = buffers.filter { sequences.contains(Int64($0.metadata.sequence)) } }
        let rate = meanRate(buffers)
        let writer = try Y4MWriter(path: path, replace: replace, format: stream.format, framesPerSecond: rate)
        for (position, buffer) in buffers.enumerated() {
            try writer.append(planes: try planePayloads(buffer))
            progress(position + 1, buffers.count)
        }
        try writer.close()
        return writer.frames
    }

    private func meanRate(_ buffers: [IndexedBuffer]) -> Double {
        guard buffers.count > 1, let first = buffers.first?.metadata.timestamp.nanoseconds,
              let last = buffers.last?.metadata.timestamp.nanoseconds, last > first else { return 30 }
        // Count sequence steps, not buffers, so dropped frames do not lower the nominal rate.
        let steps = Double(Int64(buffers.last?.metadata.sequence ?? 0) - Int64(buffers.first?.metadata.sequence ?? 0))
        // Timestamps from the index: subtracted as Doubles, which cannot overflow.
        return (steps > 0 ? steps : Double(buffers.count - 1)) / ((Double(last) - Double(first)) / 1e9)
    }
}
