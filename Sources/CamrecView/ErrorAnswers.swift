import CamrecInspect
import CamrecStore
import Hummingbird

/// Turns what the store and the inspection code throw into a `ViewerError`, so a request that
/// fails says why (a JSON `{"error": ...}` the page shows) instead of a bare 500: a buffer or
/// stream that is not there is 404, anything else that could not be read or converted 422.
struct ErrorAnswers: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            throw error
        } catch let error as InspectError {
            switch error {
            case .noSuchBuffer, .noSuchStream: throw ViewerError.notFound(error.description)
            default: throw ViewerError.failed(error.description)
            }
        } catch {
            throw ViewerError.failed("\(error)")
        }
    }
}
