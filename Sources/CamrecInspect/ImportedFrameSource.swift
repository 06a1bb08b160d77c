import V4L2Vocabulary

/// One frame read from another tool's file: its planes' bytes, and its timestamp where the file
/// states one (nil: the import paces it by the frame rate).
struct ImportedFrame {
    var planes: [[UInt8]]
    var timestampNanoseconds: Int64?
}

/// A file of frames another tool wrote, read one frame at a time.
protocol ImportedFrameSource: AnyObject {
    /// The frames' format (one stream).
    var format: VideoFormat { get }
    /// The rate the file states, if any.
    var framesPerSecond: Double? { get }
    var sourcePath: String { get }
    /// The next frame; nil at the end of the file.
    func nextFrame() throws(ImportError) -> ImportedFrame?
}
