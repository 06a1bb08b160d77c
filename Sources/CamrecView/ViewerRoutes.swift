import Foundation
import Hummingbird
import NIOCore

/// The viewer's URLs: the page, its script and style, and the JSON/PNG API.
///
///     GET /api/recordings                              info --json of each recording, by index
///     GET /api/r/{n}/markers                           driver drops, errors, recorder drops per stream
///     GET /api/r/{n}/events                            trigger events of a ring recording, with their windows
///     GET /api/r/{n}/notes                             the recorder's notes, placed on the buffer clock
///     GET /api/r/{n}/summary?stream=S&from=T0&to=T1&buckets=B   counts per time bucket
///     GET /api/r/{n}/buffers?stream=S&from=T0&to=T1&limit=L     rows as frames --json
///     GET /api/r/{n}/buffer/{stream}/{sequence}        one buffer's metadata (hex for metadata)
///     GET /api/r/{n}/frame/{stream}/{sequence}.png[?plane=N]    the frame as export converts it
///     GET /api/diff                                    diff --json of recordings 0 and 1
///     GET /api/diff/{stream}/{sequence}/heatmap.png    where that pair differs
struct ViewerRoutes: Sendable {
    let recordings: [ViewedRecording]
    let comparison: ComparisonAPI?

    init(recordings: [ViewedRecording]) {
        self.recordings = recordings
        comparison = recordings.count == 2 ? ComparisonAPI(first: recordings[0], second: recordings[1]) : nil
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: ErrorAnswers())
        router.get("/") { _, _ in Self.response(Data(ViewerPage.html.utf8), type: "text/html; charset=utf-8") }
        router.get("/viewer.js") { _, _ in Self.response(Data(ViewerScript.source.utf8), type: "text/javascript; charset=utf-8") }
        router.get("/api/recordings") { _, _ in
            let body = "[" + recordings.map(\.overviewJSON).joined(separator: ",") + "]"
            return Self.response(Data(body.utf8), type: "application/json")
        }
        router.get("/api/r/:n/markers") { _, context in
            try Self.json(RecordingAPI(recording: try recording(context)).markers())
        }
        router.get("/api/r/:n/events") { _, context in
            try Self.json(try RecordingAPI(recording: try recording(context)).events())
        }
        router.get("/api/r/:n/notes") { _, context in
            try Self.json(try RecordingAPI(recording: try recording(context)).notes())
        }
        router.get("/api/r/:n/summary") { request, context in
            return try Self.json(try RecordingAPI(recording: try recording(context)).summary(
                stream: try Self.text(request, "stream"), from: try Self.integer(request, "from"), to: try Self.integer(request, "to"),
                buckets: Int(try Self.integer(request, "buckets", default: 1000))))
        }
        router.get("/api/r/:n/buffers") { request, context in
            return try Self.json(try RecordingAPI(recording: try recording(context)).buffers(
                stream: try Self.text(request, "stream"), from: try Self.integer(request, "from", default: Int64.min),
                to: try Self.integer(request, "to", default: Int64.max),
                limit: Int(try Self.integer(request, "limit", default: Int64(RecordingAPI.rowLimit)))))
        }
        router.get("/api/r/:n/buffer/:stream/:sequence") { _, context in
            try Self.json(try RecordingAPI(recording: try recording(context)).detail(
                stream: try context.parameters.require("stream"), sequence: try Self.sequence(context.parameters.require("sequence"))))
        }
        router.get("/api/r/:n/frame/:stream/:file") { request, context in
            let file = try context.parameters.require("file")
            guard file.hasSuffix(".png") else { throw ViewerError.notFound("frames are served as SEQUENCE.png, not '\(file)'") }
            let plane = try request.uri.queryParameters["plane"].map { value -> Int in
                guard let number = Int(value) else { throw ViewerError.badRequest("plane must be a number, not '\(value)'") }
                return number
            }
            return Self.response(Data(try RecordingAPI(recording: try recording(context)).png(
                stream: try context.parameters.require("stream"), sequence: try Self.sequence(String(file.dropLast(4))),
                plane: plane)), type: "image/png")
        }
        router.get("/api/diff") { _, _ in
            Self.response(try compared().differences(), type: "application/json")
        }
        router.get("/api/diff/:stream/:sequence/heatmap.png") { _, context in
            Self.response(Data(try compared().heatmap(stream: try context.parameters.require("stream"),
                                                       sequence: try Self.sequence(context.parameters.require("sequence")))),
                          type: "image/png")
        }
        return router
    }

    /// The recording `{n}` names: an index into those given on the command line.
    private func recording(_ context: BasicRequestContext) throws(ViewerError) -> ViewedRecording {
        let text = context.parameters.get("n") ?? ""
        guard let index = Int(text), recordings.indices.contains(index) else {
            throw .notFound("recording '\(text)' does not exist: this viewer serves recordings 0..\(recordings.count - 1)")
        }
        return recordings[index]
    }

    private func compared() throws(ViewerError) -> ComparisonAPI {
        guard let comparison else { throw .notFound("a comparison needs two recordings: camrec view REC REC2") }
        return comparison
    }

    private static func response(_ body: Data, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-store"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    private static func json(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return response(try encoder.encode(value), type: "application/json")
    }

    private static func text(_ request: Request, _ name: Substring) throws(ViewerError) -> String {
        guard let value = request.uri.queryParameters[name], !value.isEmpty else { throw .badRequest("the query needs \(name)=") }
        return String(value)
    }

    private static func integer(_ request: Request, _ name: Substring,
                                default fallback: Int64? = nil) throws(ViewerError) -> Int64 {
        guard let value = request.uri.queryParameters[name] else {
            guard let fallback else { throw .badRequest("the query needs \(name)=") }
            return fallback
        }
        guard let number = Int64(value) else { throw .badRequest("\(name) must be an integer, not '\(value)'") }
        return number
    }

    private static func sequence(_ text: String) throws(ViewerError) -> UInt32 {
        guard let sequence = UInt32(text) else { throw .badRequest("a sequence number is 0...\(UInt32.max), not '\(text)'") }
        return sequence
    }
}
