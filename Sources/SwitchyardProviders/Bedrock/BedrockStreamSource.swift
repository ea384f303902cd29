import AsyncHTTPClient
import NIOCore
import SwitchyardCore

/// Reads a ConverseStream body (`application/vnd.amazon.eventstream`, providers.md §4.5)
/// into canonical chat events, decoding frames as bytes arrive.
struct BedrockStreamSource: ChatEventSource, @unchecked Sendable {
    // @unchecked: the body iterator is used by the single consuming task only; the
    // stream is handed over once from the adapter to the relay and never shared.
    private var body: HTTPClientResponse.Body.AsyncIterator
    private var decoder = EventStreamDecoder()
    private var translator: BedrockStreamTranslator
    private var ready: [ChatStreamEvent] = []
    private var readyIndex = 0
    private var finished = false

    init(body: HTTPClientResponse.Body, translator: BedrockStreamTranslator) {
        self.body = body.makeAsyncIterator()
        self.translator = translator
    }

    mutating func next() async throws(UpstreamFailure) -> ChatStreamEvent? {
        while true {
            if readyIndex < ready.count {
                let event = ready[readyIndex]
                readyIndex += 1
                return event
            }
            if finished { return nil }
            if let message = try decoder.next() {
                ready = try translator.consume(message)
                readyIndex = 0
                continue
            }
            let buffer: ByteBuffer?
            do {
                buffer = try await body.next()
            } catch {
                throw UpstreamFailure(kind: .connect, message: "upstream stream was interrupted")
            }
            guard let buffer else {
                finished = true
                if decoder.hasPendingBytes {
                    throw UpstreamFailure(kind: .serverError, message: "upstream stream ended inside a message")
                }
                try translator.end()
                return nil
            }
            decoder.feed(buffer)
        }
    }
}
