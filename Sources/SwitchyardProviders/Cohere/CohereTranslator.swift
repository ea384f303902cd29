import SwitchyardCore

/// Canonical (OpenAI) requests → Cohere Chat v2 (providers.md §6). Pure.
///
/// `top_p` → `p`, `stop` → `stop_sequences`, `max_completion_tokens`/`max_tokens` →
/// `max_tokens`; `tool_choice` becomes `REQUIRED`/`NONE` (auto is the default; a named
/// function is forced by sending only that tool with `REQUIRED`); `n`, `logit_bias`, `user`
/// and `stream_options` have no Cohere counterpart and are not sent.
enum CohereTranslator {
    static func request(_ canonical: CanonicalChatRequest, upstreamModel: String, stream: Bool) throws(UpstreamFailure)
        -> CohereWire.Request
    {
        var tools = canonical.tools?.filter { $0.type == "function" }.map(tool)
        var toolChoice: String?
        switch canonical.tool_choice ?? .auto {
        case .none: toolChoice = "NONE"
        case .required: toolChoice = "REQUIRED"
        case .function(let name):
            tools = tools?.filter { $0.function.name == name }
            guard tools?.isEmpty == false else {
                throw UpstreamFailure(
                    kind: .invalidRequest,
                    status: 400,
                    message: "tool_choice names a function '\(name)' that is not in tools",
                    param: "tool_choice"
                )
            }
            toolChoice = "REQUIRED"
        case .auto: toolChoice = nil
        }
        if tools?.isEmpty == true { tools = nil }
        if tools == nil, toolChoice == "REQUIRED" { toolChoice = nil }
        let strict = canonical.tools?.contains { $0.function.strict == true } == true
        return CohereWire.Request(
            model: upstreamModel,
            messages: try canonical.messages.map(message),
            tools: tools,
            tool_choice: toolChoice,
            strict_tools: strict && tools != nil ? true : nil,
            response_format: responseFormat(canonical.response_format),
            max_tokens: canonical.maxOutputTokens,
            temperature: canonical.temperature,
            p: canonical.top_p,
            stop_sequences: canonical.stop?.values,
            seed: canonical.seed,
            frequency_penalty: canonical.frequency_penalty,
            presence_penalty: canonical.presence_penalty,
            stream: stream
        )
    }

    static func message(_ message: CanonicalMessage) throws(UpstreamFailure) -> CohereWire.Message {
        switch message.role {
        case "system", "developer":
            return CohereWire.Message(role: "system", content: .text(message.textContent))
        case "user":
            return CohereWire.Message(role: "user", content: content(message.content))
        case "assistant":
            let calls = message.tool_calls?.isEmpty == false ? message.tool_calls : nil
            let text = message.textContent
            return CohereWire.Message(
                role: "assistant",
                content: text.isEmpty && calls != nil ? nil : .text(text),
                tool_calls: calls
            )
        case "tool", "function":
            return CohereWire.Message(
                role: "tool",
                content: .text(message.textContent),
                tool_call_id: message.tool_call_id ?? message.name
            )
        default:
            throw UpstreamFailure(
                kind: .invalidRequest,
                status: 400,
                message: "unsupported message role '\(message.role)'",
                param: "messages"
            )
        }
    }

    /// User content: a string stays one; parts keep text and images (vision models).
    static func content(_ content: CanonicalContent?) -> CohereWire.Content {
        switch content {
        case .text(let text): return .text(text)
        case .parts(let parts):
            let mapped = parts.compactMap { part -> CohereWire.Part? in
                switch part.type {
                case "text": CohereWire.Part(type: "text", text: part.text ?? "")
                case "image_url":
                    part.image_url.map { CohereWire.Part(type: "image_url", image_url: .init(url: $0.url)) }
                default: nil
                }
            }
            if mapped.allSatisfy({ $0.type == "text" }) {
                return .text(mapped.compactMap(\.text).joined())
            }
            return .parts(mapped)
        case nil: return .text("")
        }
    }

    static func tool(_ tool: CanonicalTool) -> CohereWire.Tool {
        CohereWire.Tool(
            function: .init(
                name: tool.function.name,
                description: tool.function.description,
                parameters: tool.function.parameters
            )
        )
    }

    static func responseFormat(_ format: CanonicalResponseFormat?) -> CohereWire.ResponseFormat? {
        switch format?.type {
        case "json_object": CohereWire.ResponseFormat(type: "json_object")
        case "json_schema": CohereWire.ResponseFormat(type: "json_object", json_schema: format?.json_schema?.schema)
        default: nil
        }
    }
}
