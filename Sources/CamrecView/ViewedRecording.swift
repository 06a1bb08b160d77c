import CamrecInspect
import CamrecStore
import Foundation

/// One recording the viewer serves: its reader, its overview (the `info --json` text) and its
/// timeline columns. The reader holds one SQLite connection and one open chunk, so every use of
/// it goes through `lock`; the viewer serves one person, and a frame decodes in milliseconds.
public final class ViewedRecording: @unchecked Sendable {
    public let path: String
    /// What `camrec info --json` prints for it.
    public let overviewJSON: String
    let timelines: [StreamTimeline]
    /// Every stream's drops and errors, found once: the page asks for them first, every time.
    let markers: [StreamMarkers]
    private let reader: RecordingReader
    private let lock = NSLock()

    /// Opens `path` and loads its timeline columns (about a second per million buffers).
    public init(path: String, overviewJSON: String) throws {
        reader = try RecordingReader(path: path)
        self.path = reader.path
        self.overviewJSON = overviewJSON
        timelines = try StreamTimeline.load(from: reader)
        markers = timelines.map { $0.markers(limit: Self.markerLimit) }
    }

    /// At most this many markers of each kind per stream.
    static let markerLimit = 50_000

    /// Runs `body` with the reader, one caller at a time.
    func withReader<T>(_ body: (RecordingReader) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(reader)
    }

    /// The timeline of the stream with this name or number.
    func timeline(named name: String) throws(ViewerError) -> StreamTimeline {
        guard let found = timelines.first(where: { $0.name == name }) ?? Int(name).flatMap({ id in timelines.first { $0.streamID == id } })
        else {
            throw .notFound("\(path) has no stream '\(name)'; it has: \(timelines.map(\.name).joined(separator: ", ")).")
        }
        return found
    }

    /// The earliest and latest buffer timestamps of any stream.
    var timeRange: ClosedRange<Int64>? {
        let firsts = timelines.compactMap(\.timestamps.first)
        let lasts = timelines.compactMap(\.timestamps.last)
        guard let first = firsts.min(), let last = lasts.max() else { return nil }
        return first...max(first, last)
    }
}
