import Foundation
import Hummingbird
import NIOCore

/// Why the viewer could not answer a request, as the HTTP status and a sentence the page shows.
public enum ViewerError: Error, HTTPResponseError, CustomStringConvertible {
    /// A malformed parameter: what was wrong and what is accepted.
    case badRequest(String)
    /// A recording, stream, buffer or pair that is not there.
    case notFound(String)
    /// Reading or converting what was asked for failed.
    case failed(String)

    public var status: HTTPResponse.Status {
        switch self {
        case .badRequest: .badRequest
        case .notFound: .notFound
        case .failed: .unprocessableContent
        }
    }

    public var description: String {
        switch self {
        case let .badRequest(message), let .notFound(message), let .failed(message): message
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = (try? JSONEncoder().encode(["error": description])) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
