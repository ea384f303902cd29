import Hummingbird
import HTTPTypes

/// The Anthropic Messages protocol (providers.md §2): `POST /v1/messages`, whole or SSE,
/// `anthropic-version` required, errors as `{"type":"error","error":{...}}`.
struct AnthropicDialect: WireDialect {
    func hasAPIKey(_ key: String, in request: Request) -> Bool {
        request.headers[SimHeader.xAPIKey] == key || SimHeader.bearer(request).map { $0 == key } ?? false
    }

    func respond(to request: Request, body: ByteBuffer, exchange: SimulatedExchange) async throws -> Response? {
        let path = request.uri.path
        switch request.method {
        case .post where path.hasSuffix("/messages/count_tokens"):
            exchange.tracker.finish(.completed)
            return exchange.json("{\"input_tokens\":\(max(1, body.readableBytes / 4))}", headers: baseHeaders(exchange: exchange))
        case .post where path.hasSuffix("/messages"):
            guard request.headers[SimHeader.anthropicVersion] != nil else {
                return exchange.fail(dialect: self, status: 400, message: "anthropic-version: header is required")
            }
            return await messages(body: body, exchange: exchange)
        case .get where path.hasSuffix("/models"):
            exchange.tracker.finish(.completed)
            let ids = exchange.options.models
            let items = ids.map {
                "{\"type\":\"model\",\"id\":\(JSONText.quoted($0)),\"display_name\":\(JSONText.quoted($0)),\"created_at\":\"2025-09-29T00:00:00Z\"}"
            }.joined(separator: ",")
            let first = ids.first.map(JSONText.quoted) ?? "null"
            let last = ids.last.map(JSONText.quoted) ?? "null"
            return exchange.json(
                "{\"data\":[\(items)],\"has_more\":false,\"first_id\":\(first),\"last_id\":\(last)}",
                headers: baseHeaders(exchange: exchange)
            )
        default:
            return nil
        }
    }

    func errorResponse(status: Int, message: String, exchange: SimulatedExchange) -> Response {
        var headers = baseHeaders(exchange: exchange)
        if status == 429 || status == 529 {
            headers[.retryAfter] = "1"
        }
        if status == 429 {
            headers[SimHeader.retryAfterMs] = "1000"
        }
        let requestID = headers[SimHeader.requestID] ?? "req_sim"
        let body = "{\"type\":\"error\",\"error\":{\"type\":\"\(Self.errorType(status: status))\","
            + "\"message\":\(JSONText.quoted(message))},\"request_id\":\"\(requestID)\"}"
        return exchange.json(body, status: .init(code: status), headers: headers)
    }

    func inBandStreamError(status: Int, message: String, exchange: SimulatedExchange) -> ByteBuffer {
        ByteBuffer(
            string: "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"\(Self.errorType(status: status))\","
                + "\"message\":\(JSONText.quoted(message))}}\n\n"
        )
    }

    /// `error.type` for `status` (§2.5).
    static func errorType(status: Int) -> String {
        switch status {
        case 401: "authentication_error"
        case 402: "billing_error"
        case 403: "permission_error"
        case 404: "not_found_error"
        case 413: "request_too_large"
        case 429: "rate_limit_error"
        case 500: "api_error"
        case 504: "timeout_error"
        case 529: "overloaded_error"
        case 400..<500: "invalid_request_error"
        default: "api_error"
        }
    }

    func baseHeaders(exchange: SimulatedExchange) -> HTTPFields {
        var headers = HTTPFields()
        headers[SimHeader.requestID] = "req_" + exchange.state.nextID()
        headers[SimHeader.make("anthropic-ratelimit-requests-limit")] = "10000"
        headers[SimHeader.make("anthropic-ratelimit-requests-remaining")] = "9999"
        return headers
    }
}
