import CamrecStore

/// What can go wrong inspecting or exporting a recording. Each case says what was asked, what
/// the recording holds instead, and what to do.
public enum InspectError: Error, CustomStringConvertible, Sendable {
    /// Reading the recording failed (missing, damaged, newer schema...).
    case store(StoreError)
    /// `--stream` named a stream the recording does not have.
    case noSuchStream(recording: String, requested: String, available: [String])
    /// No buffer of that stream has that sequence number.
    case noSuchBuffer(recording: String, stream: String, sequence: UInt32)
    /// The pixel format cannot be turned into the requested file type.
    case unsupportedFormat(fourcc: String, target: String, remedy: String)
    /// libv4lconvert (or camrec's own conversion) refused the bytes of one buffer.
    case conversionFailed(stream: String, sequence: UInt32, fourcc: String, message: String)
    /// An output file could not be written.
    case output(path: String, reason: String)

    public var description: String {
        switch self {
        case let .store(error):
            return "\(error)"
        case let .noSuchStream(recording, requested, available):
            return "\(recording) has no stream '\(requested)'; it has: \(available.joined(separator: ", "))."
        case let .noSuchBuffer(recording, stream, sequence):
            return "stream '\(stream)' has no buffer with sequence \(sequence); "
                + "`camrec frames \(recording) --stream \(stream)` lists them."
        case let .unsupportedFormat(fourcc, target, remedy):
            return "cannot export \(fourcc) as \(target): \(remedy)"
        case let .conversionFailed(stream, sequence, fourcc, message):
            return "cannot convert \(fourcc) buffer \(sequence) of stream '\(stream)' to RGB: \(message)"
        case let .output(path, reason):
            return "cannot write \(path): \(reason)"
        }
    }
}
