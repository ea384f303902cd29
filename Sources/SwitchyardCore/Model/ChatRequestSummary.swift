/// The parts of a client's chat request the gateway acts on; the rest of the body passes
/// through untouched.
public struct ChatRequestSummary: Sendable, Equatable {
    /// The `model` the client asked for (a route, model or `provider/model` name).
    public var model: String
    public var stream: Bool
    /// `stream_options.include_usage`: the client wants the final usage chunk.
    public var includeUsage: Bool
    /// `max_completion_tokens` or `max_tokens`, if given.
    public var maxTokens: Int?

    public init(model: String, stream: Bool = false, includeUsage: Bool = false, maxTokens: Int? = nil) {
        self.model = model
        self.stream = stream
        self.includeUsage = includeUsage
        self.maxTokens = maxTokens
    }
}
