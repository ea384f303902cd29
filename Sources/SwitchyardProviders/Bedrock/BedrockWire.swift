/// Bedrock Runtime Converse / ConverseStream wire types (providers.md §4.1–4.3). Only the
/// fields the gateway reads or writes; unknown ones are ignored when decoding.
enum BedrockWire {
    // MARK: - Request

    /// The Converse (and ConverseStream) request body; the model id is in the path.
    struct ConverseRequest: Codable, Equatable {
        var system: [SystemBlock]?
        var messages: [Message]
        var inferenceConfig: InferenceConfig?
        var toolConfig: ToolConfig?
        var additionalModelRequestFields: JSONValue?
    }

    /// A `system` entry.
    struct SystemBlock: Codable, Equatable {
        var text: String
    }

    /// A conversation turn: `user` or `assistant`.
    struct Message: Codable, Equatable {
        var role: String
        var content: [ContentBlock]
    }

    /// A content block: a union with exactly one member set. Blocks of kinds the gateway
    /// does not read decode with every member nil.
    struct ContentBlock: Codable, Equatable {
        var text: String?
        var image: Image?
        var toolUse: ToolUse?
        var toolResult: ToolResult?
        var reasoningContent: ReasoningContent?

        static func text(_ text: String) -> ContentBlock { ContentBlock(text: text) }
        static func image(_ image: Image) -> ContentBlock { ContentBlock(image: image) }
        static func toolUse(_ use: ToolUse) -> ContentBlock { ContentBlock(toolUse: use) }
        static func toolResult(_ result: ToolResult) -> ContentBlock { ContentBlock(toolResult: result) }
    }

    /// `image {format, source: {bytes}}` (bytes base64 in JSON).
    struct Image: Codable, Equatable {
        var format: String
        var source: Source

        struct Source: Codable, Equatable {
            var bytes: String?
        }
    }

    /// `toolUse {toolUseId, name, input}` (input is a JSON value, not a string).
    struct ToolUse: Codable, Equatable {
        var toolUseId: String
        var name: String
        var input: JSONValue
    }

    /// `toolResult {toolUseId, content, status}`.
    struct ToolResult: Codable, Equatable {
        var toolUseId: String
        var content: [ToolResultContent]
        var status: String?
    }

    /// A tool result part: `text` or `json`.
    struct ToolResultContent: Codable, Equatable {
        var text: String?
        var json: JSONValue?
    }

    /// `reasoningContent {reasoningText {text, signature}}`.
    struct ReasoningContent: Codable, Equatable {
        var reasoningText: ReasoningText?

        struct ReasoningText: Codable, Equatable {
            var text: String?
            var signature: String?
        }
    }

    /// `inferenceConfig`: the only sampling knobs Converse takes.
    struct InferenceConfig: Codable, Equatable {
        var maxTokens: Int?
        var temperature: Double?
        var topP: Double?
        var stopSequences: [String]?

        var isEmpty: Bool { maxTokens == nil && temperature == nil && topP == nil && stopSequences == nil }
    }

    /// `toolConfig {tools, toolChoice}`.
    struct ToolConfig: Codable, Equatable {
        var tools: [Tool]
        var toolChoice: ToolChoice?
    }

    /// `{toolSpec: {name, description, inputSchema: {json}}}`.
    struct Tool: Codable, Equatable {
        var toolSpec: ToolSpec

        struct ToolSpec: Codable, Equatable {
            var name: String
            var description: String?
            var inputSchema: InputSchema
        }

        struct InputSchema: Codable, Equatable {
            var json: JSONValue
        }
    }

    /// `{"auto":{}}` | `{"any":{}}` | `{"tool":{"name":"X"}}`.
    enum ToolChoice: Codable, Equatable {
        case auto, any
        case tool(String)

        private struct Named: Codable { var name: String }
        private struct Empty: Codable {}
        private enum Keys: String, CodingKey { case auto, any, tool }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            if let named = try container.decodeIfPresent(Named.self, forKey: .tool) {
                self = .tool(named.name)
            } else if container.contains(.any) {
                self = .any
            } else {
                self = .auto
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            switch self {
            case .auto: try container.encode(Empty(), forKey: .auto)
            case .any: try container.encode(Empty(), forKey: .any)
            case .tool(let name): try container.encode(Named(name: name), forKey: .tool)
            }
        }
    }

    // MARK: - Response

    /// The Converse response.
    struct ConverseResponse: Codable, Equatable {
        var output: Output?
        var stopReason: String?
        var usage: Usage?

        struct Output: Codable, Equatable {
            var message: Message?
        }
    }

    /// `usage` (also the stream's `metadata.usage`).
    struct Usage: Codable, Equatable {
        var inputTokens: Int?
        var outputTokens: Int?
        var totalTokens: Int?
        var cacheReadInputTokens: Int?
        var cacheWriteInputTokens: Int?
    }

    // MARK: - Stream events (the payload of each `:event-type`)

    /// `contentBlockStart`.
    struct ContentBlockStart: Codable, Equatable {
        var contentBlockIndex: Int?
        var start: Start?

        struct Start: Codable, Equatable {
            var toolUse: ToolUseStart?
        }

        struct ToolUseStart: Codable, Equatable {
            var toolUseId: String
            var name: String
        }
    }

    /// `contentBlockDelta`.
    struct ContentBlockDelta: Codable, Equatable {
        var contentBlockIndex: Int?
        var delta: Delta?

        struct Delta: Codable, Equatable {
            var text: String?
            var toolUse: ToolUseDelta?
        }

        struct ToolUseDelta: Codable, Equatable {
            var input: String?
        }
    }

    /// `messageStop`.
    struct MessageStop: Codable, Equatable {
        var stopReason: String?
    }

    /// `metadata`.
    struct Metadata: Codable, Equatable {
        var usage: Usage?
    }

    // MARK: - Errors

    /// An error body: `{"message": ...}` (sometimes `Message`), maybe `__type` / `code`.
    struct ErrorBody: Codable, Equatable {
        var message: String?
        var Message: String?
        var __type: String?
        var code: String?

        var text: String? { message ?? Message }
    }
}
