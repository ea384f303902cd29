/// The wire protocol a provider speaks, including the OpenAI-compatible presets of SPEC §2.
///
/// A preset is the OpenAI protocol plus a default base URL and known deviations; the
/// deviations themselves live with the adapters in `SwitchyardProviders`.
public enum ProviderProtocol: String, Sendable, Hashable, CaseIterable {
    case openai, anthropic, gemini, vertex, bedrock, azure, cohere
    case mistral, deepseek, groq, together, fireworks, xai, qwen, moonshot
    case openrouter, perplexity, ollama, vllm

    /// True for `openai` and every OpenAI-compatible preset (not Azure, whose URLs differ).
    public var isOpenAICompatible: Bool {
        switch self {
        case .anthropic, .gemini, .vertex, .bedrock, .azure, .cohere: false
        default: true
        }
    }

    /// The provider's public base URL, as its own SDK calls it; nil where it depends on
    /// the account (Azure resource, Bedrock/Vertex region, a self-hosted vLLM).
    public var defaultBaseURL: String? {
        switch self {
        case .openai: "https://api.openai.com/v1"
        case .anthropic: "https://api.anthropic.com"
        case .gemini: "https://generativelanguage.googleapis.com"
        case .cohere: "https://api.cohere.com"
        case .mistral: "https://api.mistral.ai/v1"
        case .deepseek: "https://api.deepseek.com"
        case .groq: "https://api.groq.com/openai/v1"
        case .together: "https://api.together.xyz/v1"
        case .fireworks: "https://api.fireworks.ai/inference/v1"
        case .xai: "https://api.x.ai/v1"
        case .qwen: "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"
        case .moonshot: "https://api.moonshot.ai/v1"
        case .openrouter: "https://openrouter.ai/api/v1"
        case .perplexity: "https://api.perplexity.ai"
        case .ollama: "http://localhost:11434/v1"
        case .vertex, .bedrock, .azure, .vllm: nil
        }
    }

    /// Whether requests need an API key (local runtimes do not).
    public var requiresAPIKey: Bool {
        switch self {
        case .ollama, .vllm: false
        default: true
        }
    }

    /// The model a health probe asks for a 1-token completion when the config names none.
    public var defaultProbeModel: String? {
        switch self {
        case .openai, .azure: "gpt-4o-mini"
        case .anthropic: "claude-3-5-haiku-20241022"
        case .gemini, .vertex: "gemini-2.0-flash"
        case .mistral: "mistral-small-latest"
        case .deepseek: "deepseek-chat"
        case .groq: "llama-3.1-8b-instant"
        default: nil
        }
    }
}
