import NIOCore
import SwitchyardCore

/// An Anthropic Messages request (`POST /v1/messages`) translated to the gateway's
/// canonical OpenAI form, ready to route like a `/v1/chat/completions` request.
public struct AnthropicIngressRequest: Sendable {
    /// The OpenAI Chat Completions JSON body. When streaming it asks for the usage chunk
    /// (`stream_options.include_usage`): the Anthropic events need it.
    public var body: ByteBuffer
    /// The client's `model`.
    public var model: String
    /// The client's `stream`.
    public var stream: Bool
    /// The client's `max_tokens` (required by the Messages API).
    public var maxTokens: Int
    /// The client's `stop_sequences`.
    public var stopSequences: [String]

    public init(body: ByteBuffer, model: String, stream: Bool, maxTokens: Int, stopSequences: [String]) {
        self.body = body
        self.model = model
        self.stream = stream
        self.maxTokens = maxTokens
        self.stopSequences = stopSequences
    }

    /// The summary the router acts on. `includeUsage` is on for streams: feed the usage
    /// event to `AnthropicStreamEncoder` (it never reaches the client as an OpenAI chunk).
    public var summary: ChatRequestSummary {
        ChatRequestSummary(model: model, stream: stream, includeUsage: stream, maxTokens: maxTokens)
    }
}

/// A `/v1/messages` request or answer that cannot be translated, with the Anthropic error
/// `type` and HTTP status to answer with (providers.md §2.5).
public struct AnthropicIngressError: Error, Sendable, Equatable {
    /// HTTP status: 400 for client mistakes, 502 for an upstream answer that cannot be mapped.
    public var status: Int
    /// Anthropic `error.type`: `invalid_request_error` or `api_error`.
    public var type: String
    /// Says what is wrong, naming the field (`messages.0.content.1.type: ...`).
    public var message: String
    /// The offending field path, when there is one.
    public var param: String?

    public init(status: Int, type: String, message: String, param: String? = nil) {
        self.status = status
        self.type = type
        self.message = message
        self.param = param
    }

    /// A 400 `invalid_request_error` about `param`.
    public static func invalid(_ message: String, param: String? = nil) -> AnthropicIngressError {
        AnthropicIngressError(status: 400, type: "invalid_request_error", message: param.map { "\($0): \(message)" } ?? message, param: param)
    }
}
