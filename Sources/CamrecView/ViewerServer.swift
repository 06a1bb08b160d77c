import Foundation
import Hummingbird
import NIOCore

/// `camrec view`'s web server: the page and its script from the binary, and the JSON API over
/// the recordings it was given. Recordings are addressed by their index (0, and 1 with a second
/// recording), never by a path from the request, so nothing outside them can be asked for.
public struct ViewerServer: Sendable {
    public let recordings: [ViewedRecording]
    /// The address to bind: 127.0.0.1 unless `--listen` says otherwise.
    public let host: String
    /// 0 picks a free port.
    public let port: Int

    public init(recordings: [ViewedRecording], host: String = "127.0.0.1", port: Int = 0) {
        self.recordings = recordings
        self.host = host
        self.port = port
    }

    /// Serves until SIGINT or SIGTERM; `onReady` gets the port bound once the server listens.
    public func run(onReady: @escaping @Sendable (Int) -> Void) async throws {
        let router = ViewerRoutes(recordings: recordings).router()
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "camrec view"),
            onServerRunning: { channel in onReady(channel.localAddress?.port ?? port) })
        try await app.runService()
    }
}
