/// Cohere Chat v2 wire types (providers.md §6): the request the adapter sends, the
/// response and stream events it reads, and the embed endpoint's shapes.
enum CohereWire {
    /// `POST /v2/chat` body.
    struct Request: Encodable, Equatable {
        var model: String
        var messages: [Message]
        var tools: [Tool]?
        var tool_choice: String?
        var strict_tools: Bool?
        var response_format: ResponseFormat?
        var max_tokens: Int?
        var temperature: Double?
        var p: Double?
        var stop_sequences: [String]?
        var seed: Int?
        var frequency_penalty: Double?
        var presence_penalty: Double?
        var stream: Bool
    }

    /// A chat message (`system`, `user`, `assistant`, `tool`).
    struct Message: Encodable, Equatable {
        var role: String
        var content: Content?
        var tool_calls: [CanonicalToolCall]?
        var tool_call_id: String?
    }

    /// `content`: a string or parts.
    enum Content: Encodable, Equatable {
        case text(String)
        case parts([Part])

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .text(let text): try container.encode(text)
            case .parts(let parts): try container.encode(parts)
            }
        }
    }

    /// A content part: `text` or `image_url`.
    struct Part: Encodable, Equatable {
        struct ImageURL: Encodable, Equatable { var url: String }
        var type: String
        var text: String?
        var image_url: ImageURL?
    }

    /// A function tool.
    struct Tool: Encodable, Equatable {
        struct Function: Encodable, Equatable {
            var name: String
            var description: String?
            var parameters: JSONValue?
        }
        var type = "function"
        var function: Function
    }

    /// `response_format`: `{"type":"json_object"}`, optionally with `json_schema`.
    struct ResponseFormat: Encodable, Equatable {
        var type: String
        var json_schema: JSONValue?
    }

    /// The whole (non-streaming) answer.
    struct Response: Decodable {
        var id: String?
        var finish_reason: String?
        var message: ResponseMessage?
        var usage: Usage?
    }

    /// The assistant message of an answer.
    struct ResponseMessage: Decodable {
        var content: [ContentBlock]?
        var tool_calls: [ToolCall]?
        var tool_plan: String?
    }

    /// A content block (`text`; `thinking` on reasoning models).
    struct ContentBlock: Decodable {
        var type: String?
        var text: String?
    }

    /// A tool call as Cohere sends it (arguments are a JSON string, as in OpenAI).
    struct ToolCall: Decodable {
        struct Function: Decodable {
            var name: String?
            var arguments: String?
        }
        var id: String?
        var function: Function?
    }

    /// `usage`: `tokens` (context accounting), `billed_units` (charged), `cached_tokens`.
    struct Usage: Decodable {
        struct Tokens: Decodable {
            var input_tokens: Double?
            var output_tokens: Double?
        }
        var billed_units: Tokens?
        var tokens: Tokens?
        var cached_tokens: Double?
    }

    /// The error body: `{"id":"...","message":"..."}`.
    struct ErrorBody: Decodable {
        var message: String?
    }
}
