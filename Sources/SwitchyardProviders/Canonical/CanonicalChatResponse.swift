import Foundation
import NIOCore
import NIOFoundationCompat
import SwitchyardCore

/// The canonical whole answer: an OpenAI `chat.completion` (providers.md §1.2), built by
/// adapters that translate from another protocol and encoded for the client.
public struct CanonicalChatResponse: Sendable, Equatable, Codable {
    public var id: String
    public var object: String = "chat.completion"
    public var created: Int
    public var model: String
    public var choices: [Choice]
    public var usage: CanonicalUsage?

    /// One choice.
    public struct Choice: Sendable, Equatable, Codable {
        public var index: Int
        public var message: Message
        public var finish_reason: String?
        public init(index: Int = 0, message: Message, finish_reason: String?) {
            self.index = index
            self.message = message
            self.finish_reason = finish_reason
        }
    }

    /// The assistant's message.
    public struct Message: Sendable, Equatable, Codable {
        public var role: String = "assistant"
        public var content: String?
        public var tool_calls: [CanonicalToolCall]?
        public var refusal: String?
        public init(content: String?, tool_calls: [CanonicalToolCall]? = nil) {
            self.content = content
            self.tool_calls = tool_calls?.isEmpty == true ? nil : tool_calls
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(role, forKey: .role)
            try container.encode(content, forKey: .content)  // explicit null, as OpenAI sends
            try container.encodeIfPresent(tool_calls, forKey: .tool_calls)
            try container.encodeIfPresent(refusal, forKey: .refusal)
        }
    }

    public init(id: String, created: Int, model: String, choices: [Choice], usage: CanonicalUsage?) {
        self.id = id
        self.created = created
        self.model = model
        self.choices = choices
        self.usage = usage
    }

    /// JSON bytes for the client.
    public func encoded() -> ByteBuffer {
        CanonicalJSON.encode(self)
    }
}

/// OpenAI's `usage` object.
public struct CanonicalUsage: Sendable, Equatable, Codable {
    public var prompt_tokens: Int
    public var completion_tokens: Int
    public var total_tokens: Int
    public var prompt_tokens_details: PromptDetails?
    public var completion_tokens_details: CompletionDetails?

    /// `prompt_tokens_details`.
    public struct PromptDetails: Sendable, Equatable, Codable {
        public var cached_tokens: Int
    }

    /// `completion_tokens_details`.
    public struct CompletionDetails: Sendable, Equatable, Codable {
        public var reasoning_tokens: Int
    }

    public init(prompt: Int, completion: Int, cached: Int = 0, reasoning: Int = 0) {
        prompt_tokens = prompt
        completion_tokens = completion
        total_tokens = TokenCount.sum(prompt, completion)
        prompt_tokens_details = PromptDetails(cached_tokens: cached)
        completion_tokens_details = CompletionDetails(reasoning_tokens: reasoning)
    }

    /// The gateway's accounting view.
    public var tokenUsage: TokenUsage {
        TokenUsage(promptTokens: prompt_tokens, completionTokens: completion_tokens, cachedPromptTokens: prompt_tokens_details?.cached_tokens ?? 0)
    }
}

/// One canonical stream chunk: an OpenAI `chat.completion.chunk` (providers.md §1.3).
public struct CanonicalChatChunk: Sendable, Equatable, Codable {
    public var id: String
    public var object: String = "chat.completion.chunk"
    public var created: Int
    public var model: String
    public var choices: [Choice]
    public var usage: CanonicalUsage?

    /// One choice's delta.
    public struct Choice: Sendable, Equatable, Codable {
        public var index: Int
        public var delta: Delta
        public var finish_reason: String?

        public init(index: Int = 0, delta: Delta, finish_reason: String? = nil) {
            self.index = index
            self.delta = delta
            self.finish_reason = finish_reason
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(index, forKey: .index)
            try container.encode(delta, forKey: .delta)
            try container.encode(finish_reason, forKey: .finish_reason)  // explicit null
        }
    }

    /// The increment: role on the first chunk, content fragments, tool-call fragments.
    public struct Delta: Sendable, Equatable, Codable {
        public var role: String?
        public var content: String?
        public var tool_calls: [ToolCallDelta]?
        public init(role: String? = nil, content: String? = nil, tool_calls: [ToolCallDelta]? = nil) {
            self.role = role
            self.content = content
            self.tool_calls = tool_calls
        }
    }

    /// A tool-call fragment: `id`, `type` and `name` on the first fragment of call `index`.
    public struct ToolCallDelta: Sendable, Equatable, Codable {
        public var index: Int
        public var id: String?
        public var type: String?
        public var function: Function

        /// `function` fragment.
        public struct Function: Sendable, Equatable, Codable {
            public var name: String?
            public var arguments: String?
            public init(name: String? = nil, arguments: String? = nil) {
                self.name = name
                self.arguments = arguments
            }
        }

        public init(index: Int, id: String? = nil, name: String? = nil, arguments: String? = nil) {
            self.index = index
            self.id = id
            self.type = id == nil ? nil : "function"
            self.function = Function(name: name, arguments: arguments)
        }
    }

    public init(id: String, created: Int, model: String, choices: [Choice], usage: CanonicalUsage? = nil) {
        self.id = id
        self.created = created
        self.model = model
        self.choices = choices
        self.usage = usage
    }

    /// The stream event for this chunk: `.usage` for the usage-only chunk, else `.chunk`.
    public func event() -> ChatStreamEvent {
        let bytes = CanonicalJSON.encode(self)
        if choices.isEmpty, let usage { return .usage(usage.tokenUsage, bytes) }
        return .chunk(bytes)
    }
}

/// JSON encoding for canonical values (compact, keys sorted: Foundation's encoder on Linux
/// keeps no declaration order, and without sorting each chunk of one stream came out with
/// its keys in another order).
public enum CanonicalJSON {
    public static func encode<Value: Encodable>(_ value: Value) -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return ByteBuffer(string: "{}") }
        return ByteBuffer(data: data)
    }

    /// Decodes the client's OpenAI-form body into the canonical request.
    public static func decodeRequest(_ body: ByteBuffer) throws(UpstreamFailure) -> CanonicalChatRequest {
        do {
            return try JSONDecoder().decode(CanonicalChatRequest.self, from: body)
        } catch {
            throw UpstreamFailure(kind: .invalidRequest, status: 400, message: "The request could not be translated for this provider: \(error)")
        }
    }
}
