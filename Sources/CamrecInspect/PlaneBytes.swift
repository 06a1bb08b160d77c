/// One plane's stored bytes, split at its `data_offset`.
public struct PlaneBytes: Sendable, Equatable {
    /// The bytes before `data_offset` (empty when it is 0).
    public var header: [UInt8]
    /// The payload, from `data_offset` to bytesused.
    public var payload: [UInt8]
}
