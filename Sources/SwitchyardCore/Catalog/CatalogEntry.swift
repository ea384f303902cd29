/// One model's list prices and limits: what a request costs and how large a prompt it takes.
public struct CatalogEntry: Sendable, Equatable {
    /// Chat or embedding model.
    public enum Mode: String, Sendable, Equatable {
        case chat, embedding
    }

    /// The catalog's provider name (LiteLLM's: `openai`, `vertex_ai`, `together_ai`, ...).
    public var provider: String
    /// The model id as sent to that provider.
    public var model: String
    /// USD per million input tokens; nil when unknown (not free).
    public var inputUSDPerMTok: Double?
    /// USD per million output tokens.
    public var outputUSDPerMTok: Double?
    /// USD per million input tokens read from the provider's prompt cache.
    public var cachedInputUSDPerMTok: Double?
    /// Largest prompt, in tokens.
    public var contextWindow: Int?
    public var maxOutputTokens: Int?
    public var mode: Mode

    public init(
        provider: String,
        model: String,
        inputUSDPerMTok: Double?,
        outputUSDPerMTok: Double?,
        cachedInputUSDPerMTok: Double? = nil,
        contextWindow: Int? = nil,
        maxOutputTokens: Int? = nil,
        mode: Mode = .chat
    ) {
        self.provider = provider
        self.model = model
        self.inputUSDPerMTok = inputUSDPerMTok
        self.outputUSDPerMTok = outputUSDPerMTok
        self.cachedInputUSDPerMTok = cachedInputUSDPerMTok
        self.contextWindow = contextWindow
        self.maxOutputTokens = maxOutputTokens
        self.mode = mode
    }

    /// The cost of `usage` in USD; nil when a needed price is unknown. Cached prompt tokens
    /// are billed at the cache price when there is one, else at the input price.
    public func cost(of usage: TokenUsage) -> Double? {
        guard let input = inputUSDPerMTok else { return nil }
        let output = outputUSDPerMTok ?? (mode == .embedding ? 0 : nil)
        guard let output else { return nil }
        let cached = min(max(usage.cachedPromptTokens, 0), usage.promptTokens)
        let uncached = usage.promptTokens - cached
        let cachedPrice = cachedInputUSDPerMTok ?? input
        return (Double(uncached) * input + Double(cached) * cachedPrice + Double(usage.completionTokens) * output) / 1_000_000
    }

    /// Input plus output price per million tokens, for the `cost` strategy.
    public var blendedUSDPerMTok: Double? {
        guard let input = inputUSDPerMTok else { return nil }
        return input + (outputUSDPerMTok ?? 0)
    }
}
