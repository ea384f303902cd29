import SwitchyardCore

/// Cohere Chat v2 answers → canonical (providers.md §6, §0.1, §0.2). Pure.
extension CohereTranslator {
    static func response(_ wire: CohereWire.Response, created: Int, model: String) -> CanonicalChatResponse {
        let text = (wire.message?.content ?? []).filter { $0.type == nil || $0.type == "text" }.compactMap(\.text)
            .joined()
        let calls = (wire.message?.tool_calls ?? []).enumerated().map { index, call in
            CanonicalToolCall(
                id: call.id ?? "call_\(index)",
                name: call.function?.name ?? "",
                arguments: call.function?.arguments ?? "{}"
            )
        }
        let message = CanonicalChatResponse.Message(
            content: text.isEmpty && !calls.isEmpty ? nil : text,
            tool_calls: calls
        )
        return CanonicalChatResponse(
            id: wire.id ?? "cohere",
            created: created,
            model: model,
            choices: [
                .init(message: message, finish_reason: finishReason(wire.finish_reason, hasToolCalls: !calls.isEmpty))
            ],
            usage: wire.usage.map(usage)
        )
    }

    /// `COMPLETE`/`STOP_SEQUENCE` → `stop`, `MAX_TOKENS` → `length`, `TOOL_CALL` (or any
    /// answer with tool calls) → `tool_calls`; `ERROR`/`TIMEOUT` end the answer as `stop`.
    static func finishReason(_ reason: String?, hasToolCalls: Bool) -> String {
        if hasToolCalls { return "tool_calls" }
        switch reason {
        case "MAX_TOKENS": return "length"
        case "TOOL_CALL": return "tool_calls"
        default: return "stop"
        }
    }

    /// `tokens` (what the context holds), else `billed_units`; `cached_tokens` when sent.
    static func usage(_ usage: CohereWire.Usage) -> CanonicalUsage {
        let prompt = usage.tokens?.input_tokens ?? usage.billed_units?.input_tokens ?? 0
        let completion = usage.tokens?.output_tokens ?? usage.billed_units?.output_tokens ?? 0
        return CanonicalUsage(
            prompt: count(prompt),
            completion: count(completion),
            cached: count(usage.cached_tokens ?? 0)
        )
    }

    /// A token count from a JSON number; nonsense (negative, huge) becomes 0 rather than a trap.
    static func count(_ value: Double) -> Int {
        value.isFinite && value >= 0 && value < 1e15 ? Int(value) : 0
    }
}
