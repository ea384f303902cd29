import Hummingbird
import HTTPTypes

/// The OpenAI wire protocol (providers.md §1): chat completions, embeddings, models.
/// Paths match by suffix, so `/v1/chat/completions` and `/chat/completions` both work.
struct OpenAIDialect: WireDialect {
    func hasAPIKey(_ key: String, in request: Request) -> Bool {
        SimHeader.bearer(request).map { $0 == key } ?? false
    }

    func respond(to request: Request, body: ByteBuffer, exchange: SimulatedExchange) async throws -> Response? {
        let path = request.uri.path
        switch request.method {
        case .post where path.hasSuffix("/chat/completions"):
            return await chat(body: body, exchange: exchange)
        case .post where path.hasSuffix("/embeddings"):
            return await embeddings(body: body, exchange: exchange)
        case .get where path.hasSuffix("/models"):
            return models(exchange: exchange)
        case .get:
            let segments = path.split(separator: "/")
            if segments.count >= 2, segments[segments.count - 2] == "models", let id = segments.last {
                return model(id: String(id), exchange: exchange)
            }
            return nil
        default:
            return nil
        }
    }

    func errorResponse(status: Int, message: String, exchange: SimulatedExchange) -> Response {
        let (type, code) = Self.errorKind(status: status)
        var headers = baseHeaders(exchange: exchange)
        if status == 429 {
            headers[.retryAfter] = "1"
            headers[SimHeader.retryAfterMs] = "1000"
            headers[SimHeader.make("x-ratelimit-remaining-requests")] = "0"
            headers[SimHeader.make("x-ratelimit-reset-requests")] = "1s"
        }
        return exchange.json(
            Self.errorJSON(message: message, type: type, code: code),
            status: .init(code: status),
            headers: headers
        )
    }

    func inBandStreamError(status: Int, message: String, exchange: SimulatedExchange) -> ByteBuffer {
        let (type, code) = Self.errorKind(status: status)
        return ByteBuffer(string: "data: " + Self.errorJSON(message: message, type: type, code: code) + "\n\n")
    }

    /// `type` and `code` of an OpenAI error body for `status` (providers.md §1.6).
    static func errorKind(status: Int) -> (type: String, code: String?) {
        switch status {
        case 400: ("invalid_request_error", nil)
        case 401: ("invalid_request_error", "invalid_api_key")
        case 403: ("permission_error", nil)
        case 404: ("invalid_request_error", "model_not_found")
        case 429: ("requests", "rate_limit_exceeded")
        case 400..<500: ("invalid_request_error", nil)
        default: ("server_error", nil)
        }
    }

    static func errorJSON(message: String, type: String, code: String?) -> String {
        let codeJSON = code.map(JSONText.quoted) ?? "null"
        return "{\"error\":{\"message\":\(JSONText.quoted(message)),\"type\":\"\(type)\",\"param\":null,\"code\":\(codeJSON)}}"
    }

    /// Headers every OpenAI answer carries.
    func baseHeaders(exchange: SimulatedExchange) -> HTTPFields {
        var headers = HTTPFields()
        headers[SimHeader.xRequestID] = "req_" + exchange.state.nextID()
        headers[SimHeader.openAIVersion] = "2020-10-01"
        headers[SimHeader.openAIProcessingMs] = String(exchange.timing.firstToken.components.seconds * 1000
            + exchange.timing.firstToken.components.attoseconds / 1_000_000_000_000_000)
        headers[SimHeader.make("x-ratelimit-limit-requests")] = "10000"
        headers[SimHeader.make("x-ratelimit-remaining-requests")] = "9999"
        return headers
    }
}
