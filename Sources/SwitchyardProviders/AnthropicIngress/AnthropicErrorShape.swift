import NIOCore

/// Anthropic's error shape (providers.md §2.5), for `/v1/messages` answers: the JSON body
/// of an error response and the `event: error` of a broken stream.
public enum AnthropicErrorShape {
    /// `{"type":"error","error":{"type":...,"message":...},"request_id":...}`.
    public static func body(type: String, message: String, requestID: String? = nil) -> ByteBuffer {
        var json = "{\"type\":\"error\",\"error\":{\"type\":\(AnthropicJSON.quoted(type)),\"message\":\(AnthropicJSON.quoted(message))}"
        if let requestID { json += ",\"request_id\":\(AnthropicJSON.quoted(requestID))" }
        json += "}"
        return ByteBuffer(string: json)
    }

    /// `event: error` + `data: {"type":"error","error":{...}}`, ending a stream that broke
    /// after its first byte (§8.2).
    public static func event(type: String = "api_error", message: String) -> ByteBuffer {
        AnthropicSSE.frame(
            "error",
            "{\"type\":\"error\",\"error\":{\"type\":\(AnthropicJSON.quoted(type)),\"message\":\(AnthropicJSON.quoted(message))}}"
        )
    }

    /// The `error.type` Anthropic uses with an HTTP status.
    public static func type(forStatus status: Int) -> String {
        switch status {
        case 401: "authentication_error"
        case 402: "billing_error"
        case 403: "permission_error"
        case 404: "not_found_error"
        case 413: "request_too_large"
        case 429: "rate_limit_error"
        case 504: "timeout_error"
        case 529: "overloaded_error"
        case 400..<500: "invalid_request_error"
        default: "api_error"
        }
    }
}

/// Anthropic SSE framing: an `event:` line naming the event, then its `data:` line.
enum AnthropicSSE {
    static func frame(_ name: String, _ json: String) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(name.utf8.count + json.utf8.count + 16)
        buffer.writeString("event: ")
        buffer.writeString(name)
        buffer.writeString("\ndata: ")
        buffer.writeString(json)
        buffer.writeString("\n\n")
        return buffer
    }
}
