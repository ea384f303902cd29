import SwitchyardCore

/// The deviation table of providers.md §7, one entry per preset.
extension OpenAICompatiblePreset {
    /// OpenAI itself: no deviations (the pure `model` splice).
    public static let openai = OpenAICompatiblePreset(wire: .openai)

    /// The preset for `wire`; `openai` (no deviations) for protocols without one.
    public static func preset(for wire: ProviderProtocol) -> OpenAICompatiblePreset {
        switch wire {
        case .mistral: mistral
        case .deepseek: deepseek
        case .groq: groq
        case .fireworks: fireworks
        case .xai: xai
        case .moonshot: moonshot
        case .perplexity: perplexity
        case .ollama: ollama
        case .together, .qwen, .openrouter, .vllm: OpenAICompatiblePreset(wire: wire)
        default: openai
        }
    }

    /// Mistral (§7.1): unknown fields are a 422, so only known members are sent; `seed` is
    /// `random_seed`; `tool_choice: "required"` is `"any"`; tool-call ids are 9 alphanumerics.
    public static let mistral: OpenAICompatiblePreset = {
        var preset = OpenAICompatiblePreset(wire: .mistral)
        preset.allowOnly = [
            "model", "messages", "temperature", "top_p", "max_tokens", "stream", "stop", "random_seed",
            "response_format", "tools", "tool_choice", "presence_penalty", "frequency_penalty", "n",
            "prediction", "parallel_tool_calls", "safe_prompt", "prompt_mode",
        ]
        preset.rename = ["seed": "random_seed", "max_completion_tokens": "max_tokens"]
        preset.valueRewrites = [ValueRewrite(key: "tool_choice", from: #""required""#, to: #""any""#)]
        preset.dropNulls = true
        // Mistral reports usage on its last chunk by itself.
        preset.acceptsStreamOptions = false
        preset.messageNames = .dropExceptTool
        preset.toolCallIDs = .nineAlphanumeric
        return preset
    }()

    /// DeepSeek (§7.2): string-only content; the reasoner rejects logprobs and ignores
    /// sampling parameters.
    public static let deepseek: OpenAICompatiblePreset = {
        var preset = OpenAICompatiblePreset(wire: .deepseek)
        preset.flattenTextContent = true
        preset.modelRules = [
            ModelRule(
                prefixes: ["deepseek-reasoner"],
                drop: ["logprobs", "top_logprobs", "temperature", "top_p", "presence_penalty", "frequency_penalty"]
            )
        ]
        return preset
    }()

    /// Groq (§7.3): 400 on `logprobs`, `logit_bias`, `top_logprobs`, `messages[].name`, `n` ≠ 1.
    public static let groq: OpenAICompatiblePreset = {
        var preset = OpenAICompatiblePreset(wire: .groq)
        preset.drop = ["logprobs", "logit_bias", "top_logprobs"]
        preset.dropUnless = ["n": "1"]
        preset.messageNames = .drop
        return preset
    }()

    /// Fireworks (§7.5): `tool_choice: "required"` is `"any"`; a JSON schema goes in
    /// `response_format.schema` with type `json_object`.
    public static let fireworks: OpenAICompatiblePreset = {
        var preset = OpenAICompatiblePreset(wire: .fireworks)
        preset.schemaAsJSONObject = true
        preset.valueRewrites = [ValueRewrite(key: "tool_choice", from: #""required""#, to: #""any""#)]
        return preset
    }()

    /// xAI (§7.6): reasoning models reject `stop` and the penalties; only grok-3-mini takes
    /// `reasoning_effort`.
    public static let xai: OpenAICompatiblePreset = {
        var preset = OpenAICompatiblePreset(wire: .xai)
        preset.modelRules = [
            ModelRule(
                prefixes: ["grok-3-mini", "grok-4", "grok-code-fast"],
                excluding: ["non-reasoning"],
                drop: ["stop", "presence_penalty", "frequency_penalty"]
            ),
            ModelRule(prefixes: ["grok-4", "grok-code-fast"], drop: ["reasoning_effort"]),
        ]
        return preset
    }()

    /// Moonshot (§7.8): temperature 0–1; `tool_choice: "required"` unsupported (dropped: auto);
    /// text models want string content.
    public static let moonshot: OpenAICompatiblePreset = {
        var preset = OpenAICompatiblePreset(wire: .moonshot)
        preset.flattenTextContent = true
        preset.temperatureRange = 0...1
        preset.valueRewrites = [ValueRewrite(key: "tool_choice", from: #""required""#, to: nil)]
        preset.drop = ["functions", "function_call"]
        return preset
    }()

    /// Perplexity (§7.11): no tools.
    public static let perplexity: OpenAICompatiblePreset = {
        var preset = OpenAICompatiblePreset(wire: .perplexity)
        preset.drop = ["tools", "tool_choice", "functions", "function_call", "parallel_tool_calls"]
        // Not documented as accepted; usage arrives on the chunks themselves.
        preset.acceptsStreamOptions = false
        return preset
    }()

    /// Ollama (§7.12): no `logit_bias`, `n`, `user`.
    public static let ollama: OpenAICompatiblePreset = {
        var preset = OpenAICompatiblePreset(wire: .ollama)
        preset.drop = ["logit_bias", "n", "user"]
        return preset
    }()
}
