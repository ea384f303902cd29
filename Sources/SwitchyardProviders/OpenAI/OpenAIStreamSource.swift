import AsyncHTTPClient
import NIOCore
import SwitchyardCore

/// Reads an OpenAI-style SSE stream (providers.md §1.3) into chat events, forwarding each
/// chunk's bytes as they are: only the usage chunk and error objects are decoded.
///
/// Providers that report usage on a chunk that still has choices (Groq's `x_groq.usage`,
/// Mistral's and Perplexity's last chunk) get a usage-only chunk made for them at the end,
/// unless they also sent a standard one. Azure's chunks with empty `choices` and no usage
/// (prompt filter results) can be skipped.
///
/// `Body` is the upstream body's iterator: AsyncHTTPClient's, or the lean pool's.
struct OpenAIStreamSource<Body: AsyncIteratorProtocol>: ChatEventSource, @unchecked Sendable where Body.Element == ByteBuffer {
    // @unchecked: the body iterator is used by the single consuming task only; the
    // stream is handed over once from the adapter to the relay and never shared.
    private var body: Body
    private var decoder = SSEDecoder()
    private var ready: [SSEEvent] = []
    private var readyIndex = 0
    private var finished = false
    private var sawFinishReason = false
    private var bodyEnded = false
    private let skipEmptyChoices: Bool
    /// True once a usage-only chunk went out.
    private var sentUsage = false
    /// Usage seen on a chunk with choices, for a usage chunk made at the end.
    private var inlineUsage: OpenAIWire.InlineUsage?
    /// Called once at `[DONE]` with the body, which this source reads no more: the rest is
    /// discarded so that the connection can be reused (`HTTP1BodyStream.discardRest`,
    /// `UpstreamBodyRest`).
    private let discardRest: (@Sendable (Body) -> Void)?

    init(body: Body, skipEmptyChoices: Bool = false, discardRest: (@Sendable (Body) -> Void)? = nil) {
        self.body = body
        self.skipEmptyChoices = skipEmptyChoices
        self.discardRest = discardRest
        ready.reserveCapacity(8)
    }

    mutating func next() async throws(UpstreamFailure) -> ChatStreamEvent? {
        if finished { return nil }
        while true {
            while readyIndex < ready.count {
                let event = ready[readyIndex]
                readyIndex += 1
                if let result = try classify(event) { return result }
                if finished { return nil }
            }
            if finished { return nil }
            if bodyEnded {
                // No `[DONE]`: a stream that already finished its answer is complete;
                // one cut before that must not look like a success.
                finished = true
                if sawFinishReason { return finalUsage() }
                throw UpstreamFailure(kind: .serverError, message: "upstream stream ended before it was complete")
            }
            ready.removeAll(keepingCapacity: true)
            readyIndex = 0
            let buffer: ByteBuffer?
            do {
                buffer = try await body.next()
            } catch {
                throw UpstreamFailure(kind: .connect, message: "upstream stream was interrupted")
            }
            guard let buffer else {
                bodyEnded = true
                if let last = decoder.finish() { ready.append(last) }
                continue
            }
            do {
                try decoder.feed(buffer) { ready.append($0) }
            } catch {
                throw UpstreamFailure(kind: .malformedResponse, message: "upstream sent an oversized stream event")
            }
        }
    }

    /// Turns one SSE event into a chat event; nil for events that carry nothing to forward.
    private mutating func classify(_ event: SSEEvent) throws(UpstreamFailure) -> ChatStreamEvent? {
        if event.isDone {
            finished = true
            discardRest?(body)
            return finalUsage()
        }
        let data = event.data
        if data.readableBytes == 0 { return nil }
        if data.startsAfterWhitespace(with: #"{"error""#) {
            throw OpenAIErrorClassifier.streamError(data)
        }
        let wellFormed = data.withUnsafeReadableBytes { JSONTopLevelScanner.scan($0, keys: []) != nil }
        guard wellFormed else {
            throw UpstreamFailure(kind: .malformedResponse, message: "upstream sent a malformed stream chunk")
        }
        if !sawFinishReason, data.containsBytes(#""finish_reason":""#) {
            sawFinishReason = true
        }
        if data.containsBytes(#""choices":[]"#) {
            if let usage = OpenAIWire.usage(in: data) {
                sentUsage = true
                return .usage(usage, data)
            }
            if skipEmptyChoices { return nil }
            return .chunk(data)
        }
        if !sentUsage, let inline = OpenAIWire.inlineUsage(in: data) {
            inlineUsage = inline
        }
        return .chunk(data)
    }

    /// The usage chunk made from usage seen inline, when no standard one was sent.
    private mutating func finalUsage() -> ChatStreamEvent? {
        guard !sentUsage, let inline = inlineUsage else { return nil }
        sentUsage = true
        return inline.chunk().event()
    }
}

extension OpenAIStreamSource where Body == HTTPClientResponse.Body.AsyncIterator {
    init(body: HTTPClientResponse.Body, skipEmptyChoices: Bool = false) {
        self.init(body: body.makeAsyncIterator(), skipEmptyChoices: skipEmptyChoices, discardRest: { UpstreamBodyRest.discard($0) })
    }
}
