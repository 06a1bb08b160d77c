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
