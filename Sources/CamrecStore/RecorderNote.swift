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
