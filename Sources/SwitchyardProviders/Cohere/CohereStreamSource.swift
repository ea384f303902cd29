import AsyncHTTPClient
import NIOCore
import SwitchyardCore

/// Reads a Cohere v2 SSE stream (providers.md §6) with the incremental `SSEDecoder` and
/// hands each event to `CohereStreamTranslator`, yielding the canonical chunks it makes.
struct CohereStreamSource: ChatEventSource, @unchecked Sendable {
    // @unchecked: the body iterator is used by the single consuming task only; the
    // stream is handed over once from the adapter to the relay and never shared.
    private var body: HTTPClientResponse.Body.AsyncIterator
    private var decoder = SSEDecoder()
    private var translator: CohereStreamTranslator
    private var pending: [ChatStreamEvent] = []
    private var pendingIndex = 0
    private var events: [SSEEvent] = []
    private var bodyEnded = false

    init(body: HTTPClientResponse.Body, translator: CohereStreamTranslator) {
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
            if translator.isFinished || bodyEnded { return nil }
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
