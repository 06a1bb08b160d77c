import CamrecStore
import Foundation
import V4L2Vocabulary

/// Builds a recording from another tool's capture file: one stream (named `stream`), buffer
/// after buffer with sequence 0, 1, 2... and timestamps the file states or `framesPerSecond`
/// gives, each plane compressed as `camrec record` stores it; then verifies what it wrote.
public struct RecordingImport {
    /// The kinds of file `camrec import` reads.
    public enum SourceKind: String, Sendable, CaseIterable {
        /// YUV4MPEG2, as ffmpeg, mpv and `camrec export` write it.
        case y4m
        /// `v4l2-ctl --stream-to`: raw frames back to back.
        case v4l2Raw = "v4l2-ctl"
        /// `v4l2-ctl --stream-to-hdr FILE`: each frame and plane with its length.
        case v4l2WithHeaders = "v4l2-ctl-hdr"
    }

    /// What an import wrote.
    public struct Summary: Sendable {
        public var path: String
        public var format: VideoFormat
        public var frames: Int
        public var rawBytes: Int64
        public var framesPerSecond: Double
    }

    let source: ImportedFrameSource

    /// Opens `path` as `kind`; `format` is required for v4l2-ctl files (they do not say theirs).
    public init(path: String, kind: SourceKind, format: VideoFormat?) throws(ImportError) {
        switch kind {
        case .y4m:
            source = try Y4MReader(path: path)
        case .v4l2Raw, .v4l2WithHeaders:
            guard let format else {
                throw .unsupportedFormat("a v4l2-ctl file", remedy: "it does not say its format: give --format WxH:FOURCC "
                                         + "(as the capture was set, e.g. --format 640x480:YUYV)")
            }
            source = try V4L2CtlStreamReader(path: path, format: format, withHeaders: kind == .v4l2WithHeaders)
        }
    }

    /// The format of the file's frames.
    public var format: VideoFormat { source.format }
    /// The frame rate the file states, if any.
    public var statedFramesPerSecond: Double? { source.framesPerSecond }

    /// Writes the recording at `output` (replacing a recording there with `replace`), at
    /// `framesPerSecond` where the file states no timestamps; `progress(frames)` after each frame.
    public func write(to output: String, stream name: String, framesPerSecond: Double, level: Int32,
                      commandLine: String, replace: Bool, progress: (Int) -> Void = { _ in }) throws(ImportError) -> Summary {
        guard framesPerSecond.isFinite, framesPerSecond > 0,
              let interval = Int64(exactly: (1e9 / framesPerSecond).rounded()), interval > 0 else {
            throw .unsupportedFormat("\(framesPerSecond) frames per second", remedy: "give --fps from 0.001 to 1000000")
        }
        let stream = StreamDescription(id: 1, name: name, kind: .video, format: source.format)
        let info = RecordingInfo(camrecVersion: FormatVersion.camrec, host: ProcessInfo.processInfo.hostName,
                                 commandLine: commandLine, startWallNanoseconds: Self.wallNanoseconds(),
                                 startMonotonicNanoseconds: 0, source: "import of \(source.sourcePath)",
                                 requestToleranceNanoseconds: 0)
        let written: (frames: Int, rawBytes: Int64)
        do {
            written = try writeFrames(to: output, info: info, stream: stream, interval: interval, level: level,
                                      replace: replace, progress: progress)
        } catch {
            // The input is still there to import again (with the right --format): a recording of
            // part of it would only be in the way. A replaced recording is gone already; it keeps
            // what was imported, with a note of why it stopped.
            if !replace { try? FileManager.default.removeItem(atPath: output) }
            if let error = error as? ImportError { throw error }
            throw .recording(path: output, reason: "\(error)")
        }
        try Self.verify(output)
        return Summary(path: output, format: source.format, frames: written.frames, rawBytes: written.rawBytes,
                       framesPerSecond: framesPerSecond)
    }

    /// Reads every frame and writes it; an input that goes wrong part-way leaves a recording of the
    /// frames before it, with a note of why.
    private func writeFrames(to output: String, info: RecordingInfo, stream: StreamDescription, interval: Int64,
                             level: Int32, replace: Bool, progress: (Int) -> Void) throws -> (frames: Int, rawBytes: Int64) {
        let writer = try RecordingWriter(path: output, info: info, streams: [stream],
                                         options: RecordingWriter.Options(replaceExisting: replace))
        let encoder = try PlaneEncoder(level: level)
        let encoding = PlaneEncoding(for: source.format.pixelFormat)
        var frames = 0
        var rawBytes: Int64 = 0
        do {
            while let frame = try source.nextFrame() {
                let timestamp = frame.timestampNanoseconds ?? Int64(frames).multipliedReportingOverflow(by: interval).partialValue
                let planes = frame.planes.map { PlaneMetadata(bytesUsed: UInt32($0.count), length: UInt32($0.count)) }
                let metadata = FrameMetadata(status: .ok, sequence: UInt32(truncatingIfNeeded: frames),
                                             timestamp: BufferTimestamp(nanoseconds: timestamp, clock: .monotonic),
                                             field: source.format.field, planes: planes)
                var encoded: [EncodedPlane] = []
                for (bytes, plane) in zip(frame.planes, planes) {
                    encoded.append(try bytes.withUnsafeBytes { try encoder.encode($0, metadata: plane, as: encoding) })
                    rawBytes += Int64(bytes.count)
                }
                try writer.append(EncodedBuffer(bufferID: Int64(frames) + 1, requestID: Int64(frames) + 1, requestJoin: .opened,
                                                streamID: 1, metadata: metadata, planes: encoded))
                frames += 1
                progress(frames)
            }
        } catch {
            try? writer.addNote(kind: .error, message: "import stopped: \(error)")
            try? writer.close(stopReason: "import failed after \(frames) frames")
            throw error
        }
        try writer.close(stopReason: "end of \(source.sourcePath)")
        return (frames, rawBytes)
    }

    /// Every import verifies: each plane decodes and matches its checksum.
    static func verify(_ path: String) throws(ImportError) {
        do {
            let report = try RecordingVerifier(reader: try RecordingReader(path: path)).verify()
            guard report.problems.isEmpty else {
                throw ImportError.recording(path: path, reason: "it does not verify: \(report.problems.map { "\($0)" }.joined(separator: "; "))")
            }
        } catch let error as ImportError {
            throw error
        } catch {
            throw .recording(path: path, reason: "it does not verify: \(error)")
        }
    }

    private static func wallNanoseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }
}
