/// How a simulated provider behaves: what it speaks, where it listens, how fast it answers
/// and how it fails.
///
/// Timing model: a stream sends its headers and first event after `ttftMs` (or `latencyMs`
/// when `ttftMs` is nil) plus a random `0...jitterMs`, then one content chunk every
/// `chunkIntervalMs` (or `1000 / tokensPerSecond` ms; no gap when both are unset). A
/// non-streaming answer arrives when the equivalent stream would have ended. Injected errors
/// arrive after the first-token delay.
public struct SimulatorOptions: Sendable, Equatable {
    /// The wire protocol served.
    public var `protocol`: SimulatedProtocol
    /// A display name that appears in every reply (`"Hello from <name>! ..."`).
    public var name: String
    /// The address to bind; loopback by default.
    public var host: String
    /// The port to bind; 0 picks a free one (read it with `SimulatorServer.listeningPort()`).
    public var port: Int
    /// Base latency in milliseconds (time to first token, or to the whole non-stream answer).
    public var latencyMs: Int
    /// A random extra delay in `0...jitterMs` added to the first-token delay.
    public var jitterMs: Int
    /// Time to first token in milliseconds; nil means `latencyMs`.
    public var ttftMs: Int?
    /// Generation speed; 0 sends all chunks as fast as possible.
    public var tokensPerSecond: Double
    /// Probability (0...1) that a request fails with `errorStatus`.
    public var errorRate: Double
    /// The HTTP status of injected failures: 429 (with `retry-after`), 500, 503, 529, ...
    public var errorStatus: Int
    /// When set, every request arriving more than this many ms after start fails.
    public var failAfterMs: Int?
    /// Read requests and never answer until the client goes away.
    public var hang: Bool
    /// Close the connection after this many content chunks, without the stream terminator.
    public var cutStreamAfterChunks: Int?
    /// Answer 200 with a body that is not valid JSON, or a stream with a malformed event.
    public var malformed: Bool
    /// Number of content tokens in a reply; the request's max-tokens field caps it.
    public var chunkCount: Int
    /// A fixed gap between stream chunks in milliseconds; overrides `tokensPerSecond`.
    public var chunkIntervalMs: Int?
    /// Send injected failures of streaming requests inside a 200 stream (OpenAI `error` data
    /// line, Anthropic `event: error`, Gemini error object, Bedrock exception frame).
    public var inBandStreamErrors: Bool
    /// When set, requests must carry this key (in the protocol's auth header) or get 401.
    public var requireAPIKey: String?
    /// Model ids listed by the models endpoints.
    public var models: [String]
    /// Largest accepted request body.
    public var maxRequestBodyBytes: Int

    /// Creates options; everything but the protocol has a default.
    public init(
        protocol: SimulatedProtocol,
        name: String? = nil,
        host: String = "127.0.0.1",
        port: Int = 0,
        latencyMs: Int = 0,
        jitterMs: Int = 0,
        ttftMs: Int? = nil,
        tokensPerSecond: Double = 0,
        errorRate: Double = 0,
        errorStatus: Int = 500,
        failAfterMs: Int? = nil,
        hang: Bool = false,
        cutStreamAfterChunks: Int? = nil,
        malformed: Bool = false,
        chunkCount: Int = 16,
        chunkIntervalMs: Int? = nil,
        inBandStreamErrors: Bool = false,
        requireAPIKey: String? = nil,
        models: [String]? = nil,
        maxRequestBodyBytes: Int = 32 * 1024 * 1024
    ) {
        self.protocol = `protocol`
        self.name = name ?? "sim-\(`protocol`.rawValue)"
        self.host = host
        self.port = port
        self.latencyMs = latencyMs
        self.jitterMs = jitterMs
        self.ttftMs = ttftMs
        self.tokensPerSecond = tokensPerSecond
        self.errorRate = errorRate
        self.errorStatus = errorStatus
        self.failAfterMs = failAfterMs
        self.hang = hang
        self.cutStreamAfterChunks = cutStreamAfterChunks
        self.malformed = malformed
        self.chunkCount = chunkCount
        self.chunkIntervalMs = chunkIntervalMs
        self.inBandStreamErrors = inBandStreamErrors
        self.requireAPIKey = requireAPIKey
        self.models = models ?? Self.defaultModels(for: `protocol`)
        self.maxRequestBodyBytes = maxRequestBodyBytes
    }

    static func defaultModels(for wire: SimulatedProtocol) -> [String] {
        switch wire {
        case .openai: ["gpt-4o-mini", "gpt-4o", "text-embedding-3-small"]
        case .anthropic: ["claude-sonnet-4-5", "claude-haiku-4-5"]
        case .gemini: ["gemini-2.5-flash", "gemini-2.5-pro"]
        case .bedrock: ["anthropic.claude-3-haiku-20240307-v1:0"]
        }
    }
}
