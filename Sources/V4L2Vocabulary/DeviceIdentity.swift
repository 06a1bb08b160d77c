/// Which device node a stream was recorded from: its path and what VIDIOC_QUERYCAP said
/// (`v4l2_capability.driver`, `card`, `bus_info`).
public struct DeviceIdentity: Sendable, Codable, Equatable {
    public var path: String
    public var driver: String
    public var card: String
    public var busInfo: String

    public init(path: String, driver: String, card: String, busInfo: String) {
        self.path = path
        self.driver = driver
        self.card = card
        self.busInfo = busInfo
    }
}
