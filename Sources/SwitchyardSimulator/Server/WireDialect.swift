import Hummingbird
import HTTPTypes

/// One provider wire protocol as the simulator serves it: which paths it answers, how its
/// auth and errors look, and how it answers a request.
protocol WireDialect: Sendable {
    /// Whether `request` carries the expected API key in this protocol's auth header.
    func hasAPIKey(_ key: String, in request: Request) -> Bool

    /// Answers a provider request whose body has been read; nil when the path is not one
    /// of this protocol's endpoints.
    func respond(to request: Request, body: ByteBuffer, exchange: SimulatedExchange) async throws -> Response?

    /// The answer to a request without the required API key (settles the request).
    func authFailure(exchange: SimulatedExchange) -> Response

    /// A complete error response in this protocol's shape.
    func errorResponse(status: Int, message: String, exchange: SimulatedExchange) -> Response

    /// The bytes of an error sent inside an already started 200 stream.
    func inBandStreamError(status: Int, message: String, exchange: SimulatedExchange) -> ByteBuffer
}

extension WireDialect {
    func authFailure(exchange: SimulatedExchange) -> Response {
        exchange.fail(dialect: self, status: 401, message: "Incorrect API key provided.")
    }

    /// The message of an injected failure with `status`.
    func injectedMessage(status: Int) -> String {
        switch status {
        case 429: "Rate limit reached (simulated). Please retry after 1s."
        case 503: "The server is overloaded (simulated)."
        case 529: "Overloaded"
        case 400: "Invalid request (simulated)."
        case 401: "Invalid API key (simulated)."
        case 404: "Not found (simulated)."
        default: "The server had an error while processing your request (simulated)."
        }
    }
}

/// Header names the simulator reads or writes beyond HTTPTypes' built-in ones.
enum SimHeader {
    static let xAPIKey = make("x-api-key")
    static let xGoogAPIKey = make("x-goog-api-key")
    static let anthropicVersion = make("anthropic-version")
    static let requestID = make("request-id")
    static let xRequestID = make("x-request-id")
    static let retryAfterMs = make("retry-after-ms")
    static let openAIProcessingMs = make("openai-processing-ms")
    static let openAIVersion = make("openai-version")
    static let amznRequestID = make("x-amzn-requestid")
    static let amznErrorType = make("x-amzn-errortype")
    static let shouldRetry = make("x-should-retry")

    /// A header name; every literal here is a valid token, the fallback is never used.
    static func make(_ name: String) -> HTTPField.Name {
        HTTPField.Name(name) ?? .via
    }

    /// The bearer token of an `authorization` header.
    static func bearer(_ request: Request) -> Substring? {
        guard let value = request.headers[.authorization] else { return nil }
        let prefix = "Bearer "
        guard value.count > prefix.count, value.lowercased().hasPrefix("bearer ") else { return nil }
        return value.dropFirst(prefix.count)
    }
}
