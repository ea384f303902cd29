import NIOCore
import SwitchyardCore

/// One event of an upstream chat stream, in OpenAI form.
public enum ChatStreamEvent: Sendable {
    /// A `chat.completion.chunk` JSON object, to forward as `data: <payload>`.
    case chunk(ByteBuffer)
    /// The usage-only chunk (`choices: []`) with its decoded counts.
    case usage(TokenUsage, ByteBuffer)
}

/// A source of chat stream events: one per upstream protocol.
public protocol ChatEventSource: Sendable {
    /// The next event; nil at the end of a complete stream. Throws `UpstreamFailure` when
    /// the upstream reports an error, is cut, or sends something malformed.
    mutating func next() async throws(UpstreamFailure) -> ChatStreamEvent?
}

/// An upstream chat stream, consumed by exactly one task (the relay to the client).
///
/// Dropping it before the end cancels the upstream request (AsyncHTTPClient cancels a
/// request whose body is no longer being read).
public struct ChatEventStream: Sendable {
    private var source: any ChatEventSource

    public init(_ source: some ChatEventSource) {
        self.source = source
    }

    /// The next event; nil at a clean end.
    public mutating func next() async throws(UpstreamFailure) -> ChatStreamEvent? {
        try await source.next()
    }
}
