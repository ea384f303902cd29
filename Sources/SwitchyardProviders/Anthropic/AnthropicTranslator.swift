import SwitchyardCore

/// Translates canonical (OpenAI) chat requests to Anthropic Messages requests and Anthropic
/// answers back (providers.md §2.6, §0.1, §0.2). Pure: no I/O, no clock.
enum AnthropicTranslator {
    /// The forced tool that carries `response_format` JSON output (LiteLLM's name).
    static let jsonToolName = "json_tool_call"

    /// A translated request, with what the answer's translation needs to know.
    struct Translated: Equatable {
        var request: AnthropicWire.Request
        /// Set when `response_format` became a tool: its `tool_use` input is the answer text.
        var jsonToolName: String?
    }

    /// The Anthropic request for `canonical`. Throws `invalidRequest` (400) for what
    /// Anthropic cannot express (`n > 1`, audio parts, tool arguments that are not JSON).
    static func request(
        _ canonical: CanonicalChatRequest,
        upstreamModel: String,
        stream: Bool,
        defaultMaxTokens: Int
    ) throws(UpstreamFailure) -> Translated {
        if let n = canonical.n, n > 1 {
            throw invalid("n > 1 is not supported by Anthropic", param: "n")
        }
        var request = AnthropicWire.Request(
            model: upstreamModel,
            max_tokens: max(1, canonical.maxOutputTokens ?? defaultMaxTokens),
            system: canonical.systemText.flatMap { $0.isEmpty ? nil : $0 },
            messages: try messages(canonical.messages)
        )
        if acceptsSamplingParameters(model: upstreamModel) {
            // OpenAI allows 0–2, Anthropic 0–1.
            request.temperature = canonical.temperature.map { min(max($0, 0), 1) }
            request.top_p = canonical.top_p
        }
        // Anthropic rejects whitespace-only stop sequences (OpenAI's "\n\n" is common).
        let stops = canonical.stop?.values.filter { !$0.allSatisfy(\.isWhitespace) } ?? []
        request.stop_sequences = stops.isEmpty ? nil : stops
        request.metadata = canonical.user.map { AnthropicWire.Metadata(user_id: $0) }
        request.stream = stream ? true : nil
        // Dropped (no Anthropic equivalent): seed, presence/frequency penalties, logprobs,
        // logit_bias, reasoning_effort, stream_options (usage always arrives).

        var tools = (canonical.tools ?? []).map { tool in
            AnthropicWire.Tool(
                name: tool.function.name,
                description: tool.function.description,
                input_schema: tool.function.parameters ?? .object(["type": .string("object"), "properties": .object([:])])
            )
        }
        var choice = toolChoice(canonical.tool_choice, parallel: canonical.parallel_tool_calls)
        var jsonTool: String?
        if let schema = jsonSchema(canonical.response_format) {
            // No client tools: force the JSON tool. With client tools: offer it beside them.
            jsonTool = jsonToolName
            let hadTools = !tools.isEmpty
            tools.append(AnthropicWire.Tool(name: jsonToolName, description: "Respond with a JSON object.", input_schema: schema))
            if !hadTools {
                choice = AnthropicWire.ToolChoice(type: "tool", name: jsonToolName)
            }
        }
        if !tools.isEmpty {
            request.tools = tools
            request.tool_choice = choice
        }
        return Translated(request: request, jsonToolName: jsonTool)
    }

    /// Whether the model takes `temperature`/`top_p`: models from Claude 4.7 on reject them
    /// (providers.md §2.1, from LiteLLM's model table). `claude-opus-4-20250514` is 4.0.
    static func acceptsSamplingParameters(model: String) -> Bool {
        let parts = model.lowercased().split(separator: "-")
        guard let majorIndex = parts.firstIndex(where: { $0.allSatisfy(\.isNumber) }), let major = Int(parts[majorIndex]) else {
            return true
        }
        var minor = 0
        let next = parts.index(after: majorIndex)
        if next < parts.endIndex, parts[next].count <= 2, let value = Int(parts[next]) { minor = value }
        return major < 4 || (major == 4 && minor < 7)
    }

    /// `tool_choice` and `parallel_tool_calls` → Anthropic `tool_choice` (nil = default auto).
    static func toolChoice(_ choice: CanonicalToolChoice?, parallel: Bool?) -> AnthropicWire.ToolChoice? {
        let disableParallel: Bool? = parallel == false ? true : nil
        guard let choice else {
            return disableParallel == nil ? nil : AnthropicWire.ToolChoice(type: "auto", disable_parallel_tool_use: true)
        }
        switch choice {
        case .auto: return AnthropicWire.ToolChoice(type: "auto", disable_parallel_tool_use: disableParallel)
        case .required: return AnthropicWire.ToolChoice(type: "any", disable_parallel_tool_use: disableParallel)
        case .none: return AnthropicWire.ToolChoice(type: "none")
        case .function(let name):
            return AnthropicWire.ToolChoice(type: "tool", name: name, disable_parallel_tool_use: disableParallel)
        }
    }

    /// The JSON schema the answer must follow, for `json_schema` and `json_object` formats.
    static func jsonSchema(_ format: CanonicalResponseFormat?) -> JSONValue? {
        switch format?.type {
        case "json_schema":
            if let schema = format?.json_schema?.schema, schema.objectValue?["type"]?.stringValue == "object" {
                return schema
            }
            return .object(["type": .string("object")])
        case "json_object":
            return .object(["type": .string("object")])
        default:
            return nil
        }
    }

    /// Anthropic `stop_reason` → OpenAI `finish_reason` (§0.1).
    static func finishReason(_ stopReason: String?) -> String {
        switch stopReason {
        case "max_tokens", "model_context_window_exceeded": "length"
        case "tool_use": "tool_calls"
        case "refusal": "content_filter"
        default: "stop"  // end_turn, stop_sequence, pause_turn
        }
    }

    /// Anthropic usage → OpenAI usage (§0.2): prompt includes both cache counts.
    static func usage(_ usage: AnthropicWire.Usage) -> CanonicalUsage {
        let cacheRead = usage.cache_read_input_tokens ?? 0
        let prompt = TokenCount.sum(usage.input_tokens ?? 0, usage.cache_creation_input_tokens ?? 0, cacheRead)
        return CanonicalUsage(prompt: prompt, completion: usage.output_tokens ?? 0, cached: cacheRead)
    }

    /// A whole Anthropic answer → the canonical `chat.completion`.
    static func response(
        _ wire: AnthropicWire.Response,
        created: Int,
        fallbackModel: String,
        jsonToolName: String?
    ) -> CanonicalChatResponse {
        var text = ""
        var calls: [CanonicalToolCall] = []
        var answeredAsJSON = false
        for block in wire.content ?? [] {
            switch block.type {
            case "text":
                text += block.text ?? ""
            case "tool_use" where jsonToolName != nil && block.name == jsonToolName:
                text += AnthropicJSON.encode(block.input ?? .object([:]))
                answeredAsJSON = true
            case "tool_use":
                let arguments = AnthropicJSON.encode(block.input ?? .object([:]))
                calls.append(CanonicalToolCall(id: block.id ?? "toolu_\(calls.count)", name: block.name ?? "", arguments: arguments))
            default:
                break  // thinking, redacted_thinking, server tool blocks
            }
        }
        var finish = finishReason(wire.stop_reason)
        if answeredAsJSON, calls.isEmpty, finish == "tool_calls" { finish = "stop" }
        let message = CanonicalChatResponse.Message(content: text.isEmpty && !calls.isEmpty ? nil : text, tool_calls: calls)
        return CanonicalChatResponse(
            id: wire.id ?? "msg_unknown",
            created: created,
            model: wire.model ?? fallbackModel,
            choices: [CanonicalChatResponse.Choice(message: message, finish_reason: finish)],
            usage: wire.usage.map(usage)
        )
    }

    static func invalid(_ message: String, param: String? = nil) -> UpstreamFailure {
        UpstreamFailure(kind: .invalidRequest, status: 400, message: message, code: "invalid_request_error", param: param)
    }
}
