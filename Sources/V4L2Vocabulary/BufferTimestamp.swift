/// A buffer timestamp in nanoseconds and the clock it comes from (`v4l2_buffer.timestamp` and
/// V4L2_BUF_FLAG_TIMESTAMP_MASK). The V4L2 layer converts it to and from `struct timeval`.
public struct BufferTimestamp: Sendable, Equatable, Hashable {
    /// Which clock the driver took the timestamp from. Its `rawValue` ("monotonic") is what the
    /// index stores, its `code` what chunk headers store.
    public enum Clock: String, Sendable, Codable, CaseIterable {
        /// V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC: CLOCK_MONOTONIC.
        case monotonic
        /// V4L2_BUF_FLAG_TIMESTAMP_COPY: copied from the buffer queued on the output side of an M2M device.
        case copy
        /// V4L2_BUF_FLAG_TIMESTAMP_UNKNOWN.
        case unknown

        /// The clock the timestamp bits of `v4l2_buffer.flags` name.
        public init(flags: BufferFlags) {
            switch flags.rawValue & BufferFlags.timestampMask {
            case BufferFlags.timestampMonotonic.rawValue: self = .monotonic
            case BufferFlags.timestampCopy.rawValue: self = .copy
            default: self = .unknown
            }
        }

        /// The value stored in chunk headers.
        public var code: UInt8 {
            switch self {
            case .monotonic: 0
            case .copy: 1
            case .unknown: 2
            }
        }

        public init?(code: UInt8) {
            switch code {
            case 0: self = .monotonic
            case 1: self = .copy
            case 2: self = .unknown
            default: return nil
            }
        }
    }

    public var nanoseconds: Int64
    public var clock: Clock

    public init(nanoseconds: Int64, clock: Clock) {
        self.nanoseconds = nanoseconds
        self.clock = clock
    }
}
