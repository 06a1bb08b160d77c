/// What a recording says about itself: who made it, where, when and from what.
public struct RecordingInfo: Sendable, Codable, Equatable {
    /// The recording format version (`FormatVersion.current` when written).
    public var formatVersion: Int
    public var camrecVersion: String
    public var host: String
    /// The command line that made the recording, as typed.
    public var commandLine: String
    /// The start as a wall-clock (CLOCK_REALTIME) and monotonic (CLOCK_MONOTONIC) pair, so
    /// buffer timestamps (monotonic) can be placed in calendar time.
    public var startWallNanoseconds: Int64
    public var startMonotonicNanoseconds: Int64
    /// "synthetic camera", "/dev/video0 + /dev/video2", "replay of X through /dev/video4".
    public var source: String
    /// For a recording made by `camrec replay --capture-to`: the recording that was replayed.
    public var sourceRecording: String?
    /// For a recording made by `camrec replay --capture-to`: the device that produced it.
    public var sourceDevice: String?
    /// The widest timestamp difference (ns) under which buffers of different streams were
    /// grouped into one request when their sequences differ.
    public var requestToleranceNanoseconds: Int64

    public init(formatVersion: Int = FormatVersion.current, camrecVersion: String, host: String, commandLine: String,
                startWallNanoseconds: Int64, startMonotonicNanoseconds: Int64, source: String,
                sourceRecording: String? = nil, sourceDevice: String? = nil, requestToleranceNanoseconds: Int64) {
        self.formatVersion = formatVersion
        self.camrecVersion = camrecVersion
        self.host = host
        self.commandLine = commandLine
        self.startWallNanoseconds = startWallNanoseconds
        self.startMonotonicNanoseconds = startMonotonicNanoseconds
        self.source = source
        self.sourceRecording = sourceRecording
        self.sourceDevice = sourceDevice
        self.requestToleranceNanoseconds = requestToleranceNanoseconds
    }
}

/// Versions of the on-disk format.
public enum FormatVersion {
    /// The recording (chunk) format version this camrec writes.
    public static let current = 1
    /// camrec's own version.
    public static let camrec = "0.1.0"
}

/// Something the recorder itself did or saw, kept in the recording: a buffer it dropped because
/// it could not keep up, a device error, why it stopped.
public struct RecorderNote: Sendable, Codable, Equatable {
    /// What a note is about.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// The recorder dropped a buffer (its queue was full); not the driver's doing.
        case recorderDrop = "recorder_drop"
        /// A device or system error.
        case error
        /// Why the recording stopped.
        case stop
        /// Anything else worth keeping.
        case info
    }

    /// 1-based, in the order the notes were made.
    public var id: Int64
    public var kind: Kind
    public var wallNanoseconds: Int64
    public var streamID: Int?
    public var sequence: UInt32?
    public var message: String

    public init(id: Int64, kind: Kind, wallNanoseconds: Int64, streamID: Int? = nil, sequence: UInt32? = nil,
                message: String) {
        self.id = id
        self.kind = kind
        self.wallNanoseconds = wallNanoseconds
        self.streamID = streamID
        self.sequence = sequence
        self.message = message
    }
}
