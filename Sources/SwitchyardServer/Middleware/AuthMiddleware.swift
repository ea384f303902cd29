import HTTPTypes
import Hummingbird
import SwitchyardCore

/// Rejects requests without a configured client key with 401, before any upstream is
/// touched. Accepts `Authorization: Bearer KEY`, and `x-api-key: KEY` where the API
/// (Anthropic's `/v1/messages`) uses it.
struct AuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let runtime: GatewayRuntime

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if runtime.clientKeys.isEmpty {
            return try await next(request, context)
        }
        var presented: Substring?
        if let header = request.headers[.authorization] {
            let trimmed = header.drop { $0 == " " }
            if trimmed.count > 7, trimmed.prefix(7).lowercased() == "bearer " {
                presented = trimmed.dropFirst(7).drop { $0 == " " }
            }
        }
        if presented == nil, let key = request.headers[GatewayHeader.apiKey] {
            presented = Substring(key)
        }
        guard runtime.isAuthorized(presented) else {
            let shape: ErrorResponse.Shape = request.uri.path.hasPrefix("/v1/messages") ? .anthropic : .openAI
            var headers = ResponseHeaders.errorHeaders(requestID: RequestIdentity.id(for: request))
            headers[.wwwAuthenticate] = "Bearer"
            return ErrorResponse.response(.invalidAPIKey, shape: shape, headers: headers)
        }
        return try await next(request, context)
    }
}
