import SwitchyardCore

extension BedrockTranslator {
    /// A Converse response as a canonical `chat.completion` (providers.md §4.2). `id`,
    /// `created` and `model` come from the caller (Converse sends none of them).
    static func response(
        _ wire: BedrockWire.ConverseResponse,
        id: String,
        created: Int,
        model: String,
        jsonToolName: String?
    ) -> CanonicalChatResponse {
        var text = ""
        var toolCalls: [CanonicalToolCall] = []
        var answeredByJSONTool = false
        for block in wire.output?.message?.content ?? [] {
            if let piece = block.text {
                text += piece
            } else if let use = block.toolUse {
                if let jsonToolName, use.name == jsonToolName {
                    text += BedrockJSON.string(use.input)
                    answeredByJSONTool = true
                } else {
                    toolCalls.append(CanonicalToolCall(id: use.toolUseId, name: use.name, arguments: BedrockJSON.string(use.input)))
                }
            }
            // reasoningContent and other block kinds have no canonical place.
        }
        var finish = finishReason(wire.stopReason, hasToolCalls: !toolCalls.isEmpty)
        if answeredByJSONTool, toolCalls.isEmpty, finish == "tool_calls" { finish = "stop" }
        let message = CanonicalChatResponse.Message(
            content: toolCalls.isEmpty || !text.isEmpty ? text : nil,
            tool_calls: toolCalls
        )
        return CanonicalChatResponse(
            id: id,
            created: created,
            model: model,
            choices: [.init(message: message, finish_reason: finish)],
            usage: wire.usage.map(usage)
        )
    }

    /// Bedrock `stopReason` → OpenAI `finish_reason` (§0.1). Tool calls with a plain stop
    /// still say `tool_calls`, which is what OpenAI clients look at.
    static func finishReason(_ stopReason: String?, hasToolCalls: Bool) -> String {
        let reason: String
        switch stopReason {
        case "max_tokens", "model_context_window_exceeded": reason = "length"
        case "tool_use": reason = "tool_calls"
        case "guardrail_intervened", "content_filtered": reason = "content_filter"
        default: reason = "stop"  // end_turn, stop_sequence, malformed_*, unknown
        }
        return reason == "stop" && hasToolCalls ? "tool_calls" : reason
    }

    /// Bedrock usage → OpenAI usage (§0.2): prompt = input + cache read + cache write.
    static func usage(_ wire: BedrockWire.Usage) -> CanonicalUsage {
        let cacheRead = wire.cacheReadInputTokens ?? 0
        let prompt = TokenCount.sum(wire.inputTokens ?? 0, cacheRead, wire.cacheWriteInputTokens ?? 0)
        return CanonicalUsage(prompt: prompt, completion: wire.outputTokens ?? 0, cached: cacheRead)
    }
}
