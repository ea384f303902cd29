import HTTPTypes
import Hummingbird
import NIOCore
import SwitchyardCore

/// The one place a `GatewayError` becomes an HTTP answer, in the API's error shape.
enum ErrorResponse {
    /// Which API's error shape to use.
    enum Shape {
        /// `{"error":{"message","type","param","code"}}` (`/v1/*`).
        case openAI
        /// `{"type":"error","error":{"type","message"}}` (`/v1/messages`).
        case anthropic
    }

    static func response(_ error: GatewayError, shape: Shape = .openAI, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        if let retryAfter = error.retryAfterSeconds {
            headers[.retryAfter] = String(retryAfter)
        }
        if error.status >= 500 || error.status == 429 {
            // The gateway already failed over: an SDK retrying at once would only add load.
            // Rate limits and the gateway's own overload shedding are worth a retry later.
            let retry = error.status == 429 || error.code == .overloaded
            headers[GatewayHeader.shouldRetry] = retry ? "true" : "false"
        }
        let body = self.body(error, shape: shape)
        return Response(
            status: HTTPResponse.Status(code: error.status),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: body))
        )
    }

    static func body(_ error: GatewayError, shape: Shape) -> String {
        switch shape {
        case .openAI:
            return #"{"error":{"message":"# + JSONString.encode(error.message)
                + #","type":"# + JSONString.encode(error.type)
                + #","param":"# + JSONString.encodeOrNull(error.param)
                + #","code":"# + JSONString.encodeOrNull(error.apiCode) + "}}"
        case .anthropic:
            return #"{"type":"error","error":{"type":"# + JSONString.encode(anthropicType(error))
                + #","message":"# + JSONString.encode(error.message) + "}}"
        }
    }

    /// The SSE event that ends a stream broken after its first byte (providers.md §8.2).
    static func streamErrorEvent(message: String, shape: Shape) -> ByteBuffer {
        switch shape {
        case .openAI:
            return ByteBuffer(
                string: #"data: {"error":{"message":"# + JSONString.encode(message)
                    + #","type":"upstream_error","param":null,"code":"stream_interrupted"}}"# + "\n\n"
            )
        case .anthropic:
            return ByteBuffer(
                string: "event: error\ndata: " + #"{"type":"error","error":{"type":"api_error","message":"#
                    + JSONString.encode(message) + "}}\n\n"
            )
        }
    }

    static func anthropicType(_ error: GatewayError) -> String {
        switch error.status {
        case 400: "invalid_request_error"
        case 401: "authentication_error"
        case 403: "permission_error"
        case 404: "not_found_error"
        case 413: "request_too_large"
        case 429: "rate_limit_error"
        case 503, 529: "overloaded_error"
        case 504: "timeout_error"
        default: "api_error"
        }
    }
}
