import AsyncHTTPClient
import NIOCore
import SwitchyardCore

/// The seam every provider implements: send a chat request (whole or streamed) and
/// embeddings, with failures classified as `UpstreamFailure`.
///
/// Requests arrive in OpenAI form (the canonical form); adapters for other protocols
/// translate both ways. Streams yield OpenAI `chat.completion.chunk` payloads.
/// The seam lives here rather than in the core because it moves `ByteBuffer`s: an OpenAI
/// pass-through never copies a chunk between buffer types.
public protocol ProviderAdapter: Sendable {
    /// The provider's config name.
    var name: String { get }
    /// What the provider can do beyond chat.
    var capabilities: ProviderCapabilities { get }

    /// Sends a non-streaming chat request and returns the whole answer in OpenAI form.
    func send(_ call: ChatCall) async throws(UpstreamFailure) -> UpstreamReply

    /// Starts a streaming chat request. Returns once the upstream accepted it (status 200),
    /// so a refusal can still fail over; the stream then yields events as they arrive.
    func stream(_ call: ChatCall) async throws(UpstreamFailure) -> ChatEventStream

    /// Sends an embeddings request (OpenAI form in and out).
    func embeddings(_ call: ChatCall) async throws(UpstreamFailure) -> UpstreamReply
}

/// Optional abilities of a provider.
public struct ProviderCapabilities: Sendable, Equatable {
    public var embeddings: Bool
    public var tools: Bool
    public var vision: Bool

    public init(embeddings: Bool = true, tools: Bool = true, vision: Bool = true) {
        self.embeddings = embeddings
        self.tools = tools
        self.vision = vision
    }
}

/// One attempt's input: the client's OpenAI-form body and what the gateway knows of it.
public struct ChatCall: Sendable {
    /// The client's JSON body, untouched.
    public var body: ByteBuffer
    /// The parsed essentials of `body`.
    public var summary: ChatRequestSummary
    /// The model id to send upstream (the deployment's).
    public var upstreamModel: String
    /// The gateway's request id, forwarded upstream for correlation.
    public var requestID: String
    /// When this attempt must have its answer (non-streaming) or its first event (streaming).
    public var deadline: NIODeadline

    public init(
        body: ByteBuffer,
        summary: ChatRequestSummary,
        upstreamModel: String,
        requestID: String,
        deadline: NIODeadline
    ) {
        self.body = body
        self.summary = summary
        self.upstreamModel = upstreamModel
        self.requestID = requestID
        self.deadline = deadline
    }
}

/// A whole upstream answer in OpenAI form.
public struct UpstreamReply: Sendable {
    /// The OpenAI-form JSON body.
    public var body: ByteBuffer
    /// Token usage, when the upstream reported it.
    public var usage: TokenUsage?

    public init(body: ByteBuffer, usage: TokenUsage?) {
        self.body = body
        self.usage = usage
    }
}
