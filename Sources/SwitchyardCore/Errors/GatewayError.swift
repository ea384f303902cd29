/// An error the gateway answers a client with. Built in the core and the ingress, mapped
/// to the API's error shape (OpenAI or Anthropic) in exactly one place in the server.
public struct GatewayError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The rows of SPEC §3's error table.
    public enum Code: String, Sendable, Equatable {
        case invalidRequest = "invalid_request"
        case requestTooLarge = "request_too_large"
        /// The client took longer than `server.client_request_timeout_ms` to send its request.
        case requestTimeout = "request_timeout"
        /// The client closed its connection before the answer (nginx's 499); nobody reads it.
        case clientClosed = "client_closed_request"
        case invalidAPIKey = "invalid_api_key"
        case modelNotFound = "model_not_found"
        case notFound = "not_found"
        case methodNotAllowed = "method_not_allowed"
        /// The upstream refused the request itself (400, context length, content filter).
        case upstreamRejected = "upstream_rejected"
        case rateLimited = "rate_limited"
        case upstreamFailed = "upstream_failed"
        case slaExceeded = "sla_exceeded"
        case noHealthyProvider = "no_healthy_provider"
        case overloaded = "overloaded"
        case internalError = "internal_error"
    }

    public let code: Code
    /// Human-readable message; never contains keys or prompts.
    public let message: String
    /// The offending request field, when known.
    public let param: String?
    /// The HTTP status the client gets.
    public let status: Int
    /// The API error `code` field; defaults from `code`.
    public let apiCode: String?
    /// Seconds for a `retry-after` header (429).
    public let retryAfterSeconds: Int?

    public init(
        _ code: Code,
        message: String,
        param: String? = nil,
        status: Int? = nil,
        apiCode: String? = nil,
        retryAfterSeconds: Int? = nil
    ) {
        self.code = code
        self.message = message
        self.param = param
        self.status = status ?? code.defaultStatus
        self.apiCode = apiCode ?? code.defaultAPICode
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// The OpenAI error `type` for this error.
    public var type: String {
        switch code {
        case .invalidRequest, .requestTooLarge, .requestTimeout, .clientClosed, .modelNotFound, .notFound, .methodNotAllowed, .upstreamRejected:
            "invalid_request_error"
        case .invalidAPIKey: "authentication_error"
        case .rateLimited: "rate_limit_error"
        case .upstreamFailed: "upstream_error"
        case .slaExceeded: "timeout_error"
        case .noHealthyProvider, .overloaded: "service_unavailable"
        case .internalError: "server_error"
        }
    }

    /// A bounded label usable in metrics.
    public var shortDescription: String { code.rawValue }

    public var description: String { "\(code.rawValue) (\(status)): \(message)" }
}

extension GatewayError.Code {
    var defaultStatus: Int {
        switch self {
        case .invalidRequest, .upstreamRejected: 400
        case .requestTooLarge: 413
        case .requestTimeout: 408
        case .clientClosed: 499
        case .invalidAPIKey: 401
        case .modelNotFound, .notFound: 404
        case .methodNotAllowed: 405
        case .rateLimited: 429
        case .upstreamFailed: 502
        case .slaExceeded: 504
        case .noHealthyProvider, .overloaded: 503
        case .internalError: 500
        }
    }

    var defaultAPICode: String? {
        switch self {
        case .invalidRequest, .upstreamRejected: nil
        case .requestTooLarge: "request_too_large"
        case .requestTimeout: "request_timeout"
        case .clientClosed: "client_closed_request"
        case .invalidAPIKey: "invalid_api_key"
        case .modelNotFound: "model_not_found"
        case .notFound: "not_found"
        case .methodNotAllowed: "method_not_allowed"
        case .rateLimited: "rate_limit_exceeded"
        case .upstreamFailed: "upstream_error"
        case .slaExceeded: "sla_exceeded"
        case .noHealthyProvider: "no_healthy_provider"
        case .overloaded: "overloaded"
        case .internalError: "internal_error"
        }
    }
}

extension GatewayError {
    /// The client's request body is not what the API accepts.
    public static func invalidRequest(_ message: String, param: String? = nil) -> GatewayError {
        GatewayError(.invalidRequest, message: message, param: param)
    }

    /// The `model` names nothing this gateway serves.
    public static func modelNotFound(_ model: String) -> GatewayError {
        GatewayError(
            .modelNotFound,
            message: "The model '\(model)' does not exist or you do not have access to it.",
            param: "model"
        )
    }

    /// The client closed its connection before the answer was ready.
    public static let clientClosed = GatewayError(
        .clientClosed, message: "The client closed the connection before the answer was ready.")

    /// Missing or wrong client key.
    public static let invalidAPIKey = GatewayError(
        .invalidAPIKey,
        message: "Incorrect API key provided. Send 'Authorization: Bearer <key>' with a key this gateway accepts."
    )
}
