/// What a bug report needs to know about the driver behind a recorded stream beyond its format:
/// the driver's name and version (VIDIOC_QUERYCAP) and the kernel release it ran on (uname -r).
/// One row of the index's `devices` table.
public struct DeviceFacts: Sendable, Codable, Equatable {
    public var streamID: Int
    public var driver: String
    /// v4l2_capability.version as "6.8.12".
    public var driverVersion: String
    public var kernelRelease: String

    public init(streamID: Int, driver: String, driverVersion: String, kernelRelease: String) {
        self.streamID = streamID
        self.driver = driver
        self.driverVersion = driverVersion
        self.kernelRelease = kernelRelease
    }
}
