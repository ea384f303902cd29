import HTTPTypes
import Hummingbird
import SwitchyardCore

/// Turns errors thrown below it (unknown paths, wrong methods, framework errors) into the
/// OpenAI error shape, so a client never sees a body it cannot parse.
struct ErrorShapeMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as GatewayError {
            return ErrorResponse.response(error)
        } catch let error as any HTTPResponseError {
            let gatewayError: GatewayError
            switch error.status {
            case .notFound:
                gatewayError = GatewayError(.notFound, message: "Unknown path \(request.method) \(request.uri.path.prefix(200)).")
            case .methodNotAllowed:
                gatewayError = GatewayError(.methodNotAllowed, message: "Method \(request.method) is not allowed on \(request.uri.path.prefix(200)).")
            case .contentTooLarge:
                gatewayError = GatewayError(.requestTooLarge, message: "Request body is too large.")
            default:
                gatewayError = GatewayError(
                    error.status.code >= 500 ? .internalError : .invalidRequest,
                    message: error.status.reasonPhrase,
                    status: error.status.code
                )
            }
            return ErrorResponse.response(gatewayError)
        } catch {
            return ErrorResponse.response(GatewayError(.internalError, message: "Internal error."))
        }
    }
}
