import Foundation
import NIOCore
import NIOFoundationCompat
import SwitchyardCore

extension AnthropicIngressTranslator {
    /// A canonical answer (OpenAI `chat.completion` JSON, as any adapter returns it) → an
    /// Anthropic Messages response (§2.2, §2.4). `model` overrides the answer's model name.
    /// Throws a 502 `api_error` when the answer is not a chat completion.
    public static func response(_ canonical: ByteBuffer, model: String? = nil) throws(AnthropicIngressError) -> ByteBuffer {
        guard let answer = try? JSONDecoder().decode(OpenAIAnswerView.Answer.self, from: canonical),
            let choice = answer.choices?.first(where: { ($0.index ?? 0) == 0 }) ?? answer.choices?.first
        else {
            throw AnthropicIngressError(status: 502, type: "api_error", message: "the upstream answer could not be translated")
        }
        let message = choice.message ?? OpenAIAnswerView.Message()
        var content: [ContentBlock] = []
        if let text = message.content ?? message.refusal, !text.isEmpty {
            content.append(ContentBlock(type: "text", text: text))
        }
        for (index, call) in (message.tool_calls ?? []).enumerated() {
            let arguments = call.function?.arguments ?? ""
            let input = arguments.allSatisfy(\.isWhitespace) ? nil : AnthropicJSON.parse(arguments)
            content.append(
                ContentBlock(
                    type: "tool_use",
                    id: call.id ?? "toolu_\(index)",
                    name: call.function?.name ?? "",
                    input: input?.objectValue != nil ? input : .object([:])
                )
            )
        }
        let stop = stopReason(choice.finish_reason, hasToolCalls: !(message.tool_calls ?? []).isEmpty)
        let response = MessageResponse(
            id: messageID(from: answer.id),
            model: model ?? answer.model ?? "unknown",
            content: content,
            stop_reason: stop,
            usage: Usage(answer.usage?.tokenUsage)
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(response) else {
            throw AnthropicIngressError(status: 502, type: "api_error", message: "the upstream answer could not be translated")
        }
        return ByteBuffer(data: data)
    }

    /// OpenAI `finish_reason` → Anthropic `stop_reason` (§0.1 reverse). OpenAI does not say
    /// which stop string matched, so `stop` is always `end_turn`.
    public static func stopReason(_ finishReason: String?, hasToolCalls: Bool = false) -> String {
        switch finishReason {
        case "length": "max_tokens"
        case "tool_calls", "function_call": "tool_use"
        case "content_filter": "refusal"
        case "stop": "end_turn"
        default: hasToolCalls ? "tool_use" : "end_turn"
        }
    }

    /// An Anthropic-looking message id (`msg_...`) from the canonical answer's id.
    public static func messageID(from id: String?) -> String {
        guard var id, !id.isEmpty else { return "msg_gateway" }
        if id.hasPrefix("msg_") { return id }
        if id.hasPrefix("chatcmpl-") { id.removeFirst("chatcmpl-".count) }
        let kept = id.unicodeScalars.filter(AnthropicJSON.isIDScalar)
        return kept.isEmpty ? "msg_gateway" : "msg_" + String(String.UnicodeScalarView(kept))
    }

    /// The Anthropic message object.
    struct MessageResponse: Encodable {
        var id: String
        var type = "message"
        var role = "assistant"
        var model: String
        var content: [ContentBlock]
        var stop_reason: String
        var usage: Usage

        enum CodingKeys: String, CodingKey { case id, type, role, model, content, stop_reason, stop_sequence, usage }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(type, forKey: .type)
            try container.encode(role, forKey: .role)
            try container.encode(model, forKey: .model)
            try container.encode(content, forKey: .content)
            try container.encode(stop_reason, forKey: .stop_reason)
            try container.encodeNil(forKey: .stop_sequence)
            try container.encode(usage, forKey: .usage)
        }
    }

    /// A `text` or `tool_use` block.
    struct ContentBlock: Encodable {
        var type: String
        var text: String?
        var id: String?
        var name: String?
        var input: JSONValue?
    }

    /// Anthropic `usage`: `input_tokens` excludes the cached part (§2.4).
    struct Usage: Encodable {
        var input_tokens: Int
        var cache_creation_input_tokens: Int
        var cache_read_input_tokens: Int
        var output_tokens: Int

        init(_ usage: TokenUsage?) {
            let cached = usage?.cachedPromptTokens ?? 0
            input_tokens = max(0, TokenCount.difference(usage?.promptTokens ?? 0, cached))
            cache_creation_input_tokens = 0
            cache_read_input_tokens = cached
            output_tokens = usage?.completionTokens ?? 0
        }
    }
}
