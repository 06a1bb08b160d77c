/// The layout of one memory plane of a format (`v4l2_plane_pix_format`; for a metadata format
/// `bytesPerLine` is 0 and `sizeImage` is `buffersize`).
public struct PlaneLayout: Sendable, Equatable, Codable {
    /// Bytes from the start of one line to the next; 0 for metadata.
    public var bytesPerLine: UInt32
    /// The size a buffer of this plane must have at least.
    public var sizeImage: UInt32

    public init(bytesPerLine: UInt32, sizeImage: UInt32) {
        self.bytesPerLine = bytesPerLine
        self.sizeImage = sizeImage
    }
}
