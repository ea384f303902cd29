/// The fields of an OpenAI chat request the simulator looks at; everything else is skipped.
struct OpenAIChatRequest: Decodable {
    struct StreamOptions: Decodable {
        var include_usage: Bool?
    }
    struct Message: Decodable {
        var role: String
    }
    struct Tool: Decodable {
        struct Function: Decodable {
            var name: String
        }
        var function: Function?
    }

    var model: String
    var messages: [Message]
    var stream: Bool?
    var stream_options: StreamOptions?
    var max_tokens: Int?
    var max_completion_tokens: Int?
    var tools: [Tool]?
    var tool_choice: ToolChoice?

    /// `"none"` disables tools; anything else (object or other string) leaves them on.
    enum ToolChoice: Decodable {
        case none
        case other

        init(from decoder: any Decoder) throws {
            let single = try decoder.singleValueContainer()
            self = (try? single.decode(String.self)) == "none" ? .none : .other
        }
    }

    /// The tool to call: the first tool, when the conversation ends with a user turn.
    var toolToCall: String? {
        guard tool_choice.map({ if case .none = $0 { false } else { true } }) ?? true else { return nil }
        guard let name = tools?.first?.function?.name, messages.last?.role == "user" else { return nil }
        return name
    }
}

/// The fields of an OpenAI embeddings request the simulator looks at.
struct OpenAIEmbeddingsRequest: Decodable {
    var model: String
    var input: Input
    var encoding_format: String?
    var dimensions: Int?

    /// `input` is a string, strings, token ids or lists of token ids.
    struct Input: Decodable {
        var texts: [String]

        init(from decoder: any Decoder) throws {
            let single = try decoder.singleValueContainer()
            if let text = try? single.decode(String.self) {
                texts = [text]
            } else if let many = try? single.decode([String].self) {
                texts = many
            } else if let ids = try? single.decode([Int].self) {
                texts = [ids.map(String.init).joined(separator: ",")]
            } else {
                let lists = try single.decode([[Int]].self)
                texts = lists.map { $0.map(String.init).joined(separator: ",") }
            }
        }
    }
}
