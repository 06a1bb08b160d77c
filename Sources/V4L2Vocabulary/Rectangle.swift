/// A rectangle of a selection (`struct v4l2_rect`).
public struct Rectangle: Sendable, Equatable, Codable, CustomStringConvertible {
    public var left: Int32
    public var top: Int32
    public var width: UInt32
    public var height: UInt32

    public init(left: Int32 = 0, top: Int32 = 0, width: UInt32, height: UInt32) {
        self.left = left
        self.top = top
        self.width = width
        self.height = height
    }

    public var description: String { "\(width)x\(height)@\(left),\(top)" }
}
