import AsyncHTTPClient
import NIOCore
import SwitchyardCore

/// A pure, stateful translator from one protocol's SSE `data` payloads to canonical events.
protocol SSEChunkTranslator: Sendable {
    /// True once the protocol's own end event was seen: nothing more is read.
    var isFinished: Bool { get }
    /// The canonical events for one SSE event's data.
    mutating func consume(_ data: ByteBuffer) throws(UpstreamFailure) -> [ChatStreamEvent]
    /// The events owed when the connection closes (usage, finish), or a failure for a cut stream.
    mutating func end() throws(UpstreamFailure) -> [ChatStreamEvent]
}

/// Reads an SSE response body with the incremental `SSEDecoder` and hands each event to a
/// protocol's translator, yielding the canonical chunks it makes (Anthropic, Cohere).
struct SSETranslatingSource<Translator: SSEChunkTranslator>: ChatEventSource, @unchecked Sendable {
    // @unchecked: the body iterator is used by the single consuming task only; the
    // stream is handed over once from the adapter to the relay and never shared.
    private var body: HTTPClientResponse.Body.AsyncIterator
    private var decoder = SSEDecoder()
    private var translator: Translator
    private var pending: [ChatStreamEvent] = []
    private var pendingIndex = 0
    private var events: [SSEEvent] = []
    private var bodyEnded = false
    /// True once the body's rest was handed to `UpstreamBodyRest` after the end event.
    private var restDiscarded = false

    init(body: HTTPClientResponse.Body, translator: Translator) {
        self.body = body.makeAsyncIterator()
        self.translator = translator
        pending.reserveCapacity(4)
        events.reserveCapacity(8)
    }

    mutating func next() async throws(UpstreamFailure) -> ChatStreamEvent? {
        while true {
            if pendingIndex < pending.count {
                let event = pending[pendingIndex]
                pendingIndex += 1
                return event
            }
            pending.removeAll(keepingCapacity: true)
            pendingIndex = 0
            if bodyEnded { return nil }
            if translator.isFinished {
                // The protocol's end event came before the body's end: the rest is read in
                // the background so that the connection can be reused.
                if !restDiscarded {
                    restDiscarded = true
                    UpstreamBodyRest.discard(body)
                }
                return nil
            }
            events.removeAll(keepingCapacity: true)
            let buffer: ByteBuffer?
            do {
                buffer = try await body.next()
            } catch {
                throw UpstreamFailure(kind: .connect, message: "upstream stream was interrupted")
            }
            if let buffer {
                do {
                    try decoder.feed(buffer) { events.append($0) }
                } catch {
                    throw UpstreamFailure(kind: .malformedResponse, message: "upstream sent an oversized stream event")
                }
            } else {
                bodyEnded = true
                if let last = decoder.finish() { events.append(last) }
            }
            for event in events where event.data.readableBytes > 0 && !translator.isFinished {
                pending.append(contentsOf: try translator.consume(event.data))
            }
            if bodyEnded {
                pending.append(contentsOf: try translator.end())
            }
        }
    }
}
