import V4L2Vocabulary

extension VideoDevice {
    /// The node's path and what VIDIOC_QUERYCAP said about it, as a recording names its source.
    public var identity: DeviceIdentity {
        DeviceIdentity(path: path, driver: info.driver, card: info.card, busInfo: info.busInfo)
    }
}
