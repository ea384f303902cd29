/// The canonical chat request: OpenAI Chat Completions as the client sent it
/// (providers.md §1.1), decoded for adapters that translate to another protocol.
/// OpenAI-protocol adapters never decode it: they pass the bytes through.
public struct CanonicalChatRequest: Sendable, Equatable, Codable {
    public var model: String
    public var messages: [CanonicalMessage]
    public var tools: [CanonicalTool]?
    public var tool_choice: CanonicalToolChoice?
    public var parallel_tool_calls: Bool?
    public var response_format: CanonicalResponseFormat?
    public var temperature: Double?
    public var top_p: Double?
    public var max_tokens: Int?
    public var max_completion_tokens: Int?
    public var stop: CanonicalStop?
    public var seed: Int?
    public var n: Int?
    public var presence_penalty: Double?
    public var frequency_penalty: Double?
    public var user: String?
    public var stream: Bool?
    public var stream_options: StreamOptions?
    public var reasoning_effort: String?

    /// `stream_options`.
    public struct StreamOptions: Sendable, Equatable, Codable {
        public var include_usage: Bool?
        public init(include_usage: Bool? = nil) { self.include_usage = include_usage }
    }

    public init(model: String, messages: [CanonicalMessage]) {
        self.model = model
        self.messages = messages
    }

    /// `max_completion_tokens`, else `max_tokens`.
    public var maxOutputTokens: Int? { max_completion_tokens ?? max_tokens }

    /// The system and developer messages' text, joined with blank lines (nil if none).
    public var systemText: String? {
        let parts = messages.filter { $0.role == "system" || $0.role == "developer" }.map(\.textContent)
        return parts.isEmpty ? nil : parts.joined(separator: "\n\n")
    }
}

/// One message of the conversation.
public struct CanonicalMessage: Sendable, Equatable, Codable {
    /// `system`, `developer`, `user`, `assistant`, `tool` (or legacy `function`).
    public var role: String
    public var content: CanonicalContent?
    public var name: String?
    public var tool_calls: [CanonicalToolCall]?
    public var tool_call_id: String?
    public var refusal: String?

    public init(role: String, content: CanonicalContent?, tool_calls: [CanonicalToolCall]? = nil, tool_call_id: String? = nil) {
        self.role = role
        self.content = content
        self.tool_calls = tool_calls
        self.tool_call_id = tool_call_id
    }

    /// The message's text: the string, or its text parts joined.
    public var textContent: String {
        switch content {
        case .text(let text): text
        case .parts(let parts): parts.compactMap(\.text).joined()
        case nil: ""
        }
    }
}

/// `content`: a string or an array of parts.
public enum CanonicalContent: Sendable, Equatable, Codable {
    case text(String)
    case parts([CanonicalContentPart])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .text(text)
        } else {
            self = .parts(try container.decode([CanonicalContentPart].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .parts(let parts): try container.encode(parts)
        }
    }
}

/// A content part: `text`, `image_url` (URL or `data:` URI), or others carried as is.
public struct CanonicalContentPart: Sendable, Equatable, Codable {
    public var type: String
    public var text: String?
    public var image_url: ImageURL?

    /// `image_url`.
    public struct ImageURL: Sendable, Equatable, Codable {
        public var url: String
        public var detail: String?
        public init(url: String, detail: String? = nil) {
            self.url = url
            self.detail = detail
        }
    }

    public init(type: String, text: String? = nil, image_url: ImageURL? = nil) {
        self.type = type
        self.text = text
        self.image_url = image_url
    }

    /// For a `data:<mime>;base64,<data>` image URL: its media type and base64 payload.
    public var inlineImage: (mediaType: String, base64: String)? {
        guard let url = image_url?.url, url.hasPrefix("data:"),
            let semicolon = url.firstIndex(of: ";"), let comma = url.firstIndex(of: ",")
        else { return nil }
        let mediaType = String(url[url.index(url.startIndex, offsetBy: 5)..<semicolon])
        return (mediaType, String(url[url.index(after: comma)...]))
    }
}

/// A function tool the model may call.
public struct CanonicalTool: Sendable, Equatable, Codable {
    public var type: String
    public var function: Function

    /// `function`: name, description and JSON-schema parameters.
    public struct Function: Sendable, Equatable, Codable {
        public var name: String
        public var description: String?
        public var parameters: JSONValue?
        public var strict: Bool?
        public init(name: String, description: String? = nil, parameters: JSONValue? = nil) {
            self.name = name
            self.description = description
            self.parameters = parameters
        }
    }

    public init(function: Function) {
        self.type = "function"
        self.function = function
    }
}

/// `tool_choice`: `none` | `auto` | `required` | a named function.
public enum CanonicalToolChoice: Sendable, Equatable, Codable {
    case none, auto, required
    case function(String)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let mode = try? container.decode(String.self) {
            switch mode {
            case "none": self = .none
            case "required": self = .required
            default: self = .auto
            }
            return
        }
        struct Named: Decodable {
            struct Function: Decodable { var name: String }
            var function: Function?
        }
        let named = try container.decode(Named.self)
        self = named.function.map { .function($0.name) } ?? .auto
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .none: try container.encode("none")
        case .auto: try container.encode("auto")
        case .required: try container.encode("required")
        case .function(let name):
            try container.encode(["type": JSONValue.string("function"), "function": .object(["name": .string(name)])])
        }
    }
}

/// A tool call made by the assistant (arguments are a JSON string).
public struct CanonicalToolCall: Sendable, Equatable, Codable {
    public var id: String
    public var type: String
    public var function: Function

    /// `function`: name and JSON-encoded arguments.
    public struct Function: Sendable, Equatable, Codable {
        public var name: String
        public var arguments: String
        public init(name: String, arguments: String) {
            self.name = name
            self.arguments = arguments
        }
    }

    public init(id: String, name: String, arguments: String) {
        self.id = id
        self.type = "function"
        self.function = Function(name: name, arguments: arguments)
    }
}

/// `response_format`: text, JSON mode, or a JSON schema.
public struct CanonicalResponseFormat: Sendable, Equatable, Codable {
    public var type: String
    public var json_schema: JSONSchema?

    /// `json_schema`.
    public struct JSONSchema: Sendable, Equatable, Codable {
        public var name: String?
        public var description: String?
        public var schema: JSONValue?
        public var strict: Bool?
    }
}

/// `stop`: one string or several.
public enum CanonicalStop: Sendable, Equatable, Codable {
    case one(String)
    case many([String])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let one = try? container.decode(String.self) {
            self = .one(one)
        } else {
            self = .many(try container.decode([String].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .one(let value): try container.encode(value)
        case .many(let values): try container.encode(values)
        }
    }

    public var values: [String] {
        switch self {
        case .one(let value): [value]
        case .many(let values): values
        }
    }
}
