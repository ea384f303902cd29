import HTTPTypes
import Hummingbird
import SwitchyardCore

/// Admits at most `server.max_concurrent_requests` API requests at once and answers the
/// rest at once with 503 `overloaded` and `retry-after: 1`, so overload sheds load cleanly
/// instead of queueing without bound. A streamed response keeps its permit until the
/// stream has been written (or dropped).
struct ConcurrencyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let limiter: ConcurrencyLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let permit = limiter.acquire() else {
            let shape: ErrorResponse.Shape = request.uri.path.hasPrefix("/v1/messages") ? .anthropic : .openAI
            let error = GatewayError(
                .overloaded,
                message: "The gateway is serving its limit of \(limiter.limit) concurrent requests; retry shortly.",
                retryAfterSeconds: 1
            )
            return ErrorResponse.response(
                error, shape: shape, headers: ResponseHeaders.errorHeaders(requestID: RequestIdentity.id(for: request)))
        }
        var response = try await next(request, context)
        // A body of known length is already in hand: the permit goes when this returns.
        // A stream (no length) holds it until the body has been written.
        if response.body.contentLength == nil {
            let body = response.body
            response.body = ResponseBody { writer in
                try await body.write(writer)
                withExtendedLifetime(permit) {}
            }
        }
        return response
    }
}
