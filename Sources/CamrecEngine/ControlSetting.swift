/// One `--set-ctrl NAME=VALUE`: a control by its v4l2-ctl name and the value to set.
public struct ControlSetting: Sendable, Equatable {
    public var name: String
    public var value: Int64

    public init(name: String, value: Int64) {
        self.name = name
        self.value = value
    }
}
