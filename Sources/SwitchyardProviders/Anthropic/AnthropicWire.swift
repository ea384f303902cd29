import SwitchyardCore

/// Anthropic Messages wire types (providers.md §2): the request the adapter sends, and the
/// answers, stream events and error bodies it reads. Decoding is lenient: fields the
/// gateway does not use are ignored, so new block or event kinds do not break it.
enum AnthropicWire {
    /// The `anthropic-version` header value (the only current one).
    static let apiVersion = "2023-06-01"

    /// `POST /v1/messages` body (§2.1).
    struct Request: Encodable, Equatable {
        var model: String
        var max_tokens: Int
        var system: String?
        var messages: [Message]
        var tools: [Tool]?
        var tool_choice: ToolChoice?
        var temperature: Double?
        var top_p: Double?
        var stop_sequences: [String]?
        var metadata: Metadata?
        var stream: Bool?
    }

    /// One turn: `user` or `assistant`, always as an array of blocks.
    struct Message: Encodable, Equatable {
        var role: String
        var content: [ContentBlock]
    }

    /// A request content block: `text`, `image`, `tool_use` or `tool_result`.
    struct ContentBlock: Encodable, Equatable {
        var type: String
        var text: String?
        var source: Source?
        var id: String?
        var name: String?
        var input: JSONValue?
        var tool_use_id: String?
        var content: String?
        var is_error: Bool?

        static func text(_ text: String) -> ContentBlock {
            ContentBlock(type: "text", text: text)
        }

        static func image(_ source: Source) -> ContentBlock {
            ContentBlock(type: "image", source: source)
        }

        static func toolUse(id: String, name: String, input: JSONValue) -> ContentBlock {
            ContentBlock(type: "tool_use", id: id, name: name, input: input)
        }

        static func toolResult(id: String, content: String?) -> ContentBlock {
            ContentBlock(type: "tool_result", tool_use_id: id, content: content)
        }
    }

    /// An image source: base64 data with its media type, or a URL.
    struct Source: Encodable, Equatable {
        var type: String
        var media_type: String?
        var data: String?
        var url: String?
    }

    /// A client tool (`input_schema` is a JSON schema object).
    struct Tool: Encodable, Equatable {
        var name: String
        var description: String?
        var input_schema: JSONValue
    }

    /// `tool_choice`: `auto`, `any`, `tool` (with `name`) or `none`.
    struct ToolChoice: Encodable, Equatable {
        var type: String
        var name: String?
        var disable_parallel_tool_use: Bool?
    }

    /// `metadata`.
    struct Metadata: Encodable, Equatable {
        var user_id: String
    }

    /// A whole answer (§2.2); also `message_start.message`.
    struct Response: Decodable {
        var id: String?
        var model: String?
        var content: [ResponseBlock]?
        var stop_reason: String?
        var usage: Usage?
    }

    /// A content block of an answer; only the fields the gateway maps.
    struct ResponseBlock: Decodable {
        var type: String
        var text: String?
        var id: String?
        var name: String?
        var input: JSONValue?
    }

    /// `usage`. `input_tokens` excludes both cache counts (§0.2).
    struct Usage: Decodable {
        var input_tokens: Int?
        var output_tokens: Int?
        var cache_creation_input_tokens: Int?
        var cache_read_input_tokens: Int?
    }

    /// One stream event's JSON (§2.3); `type` equals the SSE event name.
    struct StreamEvent: Decodable {
        var type: String
        var message: Response?
        var index: Int?
        var content_block: ResponseBlock?
        var delta: Delta?
        var usage: Usage?
        var error: ErrorDetail?
    }

    /// `content_block_delta.delta` or `message_delta.delta`.
    struct Delta: Decodable {
        var type: String?
        var text: String?
        var partial_json: String?
        var stop_reason: String?
    }

    /// `{"type":"error","error":{"type":...,"message":...}}` (§2.5).
    struct ErrorBody: Decodable {
        var error: ErrorDetail?
    }

    /// The `error` member.
    struct ErrorDetail: Decodable {
        var type: String?
        var message: String?
    }
}
