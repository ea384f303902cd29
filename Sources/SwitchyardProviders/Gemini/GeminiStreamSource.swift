import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import SwitchyardCore

/// Reads a Gemini `streamGenerateContent?alt=sse` body (providers.md §3.4): each SSE event
/// is one `GenerateContentResponse`; the stream ends when the connection closes.
struct GeminiStreamSource: ChatEventSource, @unchecked Sendable {
    // @unchecked: the body iterator is used by the single consuming task only; the
    // stream is handed over once from the adapter to the relay and never shared.
    private var body: HTTPClientResponse.Body.AsyncIterator
    private var decoder = SSEDecoder()
    private var translator: GeminiStreamTranslator
    private let signatures: GeminiSignatureCache?
    private var ready: [ChatStreamEvent] = []
    private var readyIndex = 0
    private var ended = false

    init(body: HTTPClientResponse.Body, translator: GeminiStreamTranslator, signatures: GeminiSignatureCache?) {
        self.body = body.makeAsyncIterator()
        self.translator = translator
        self.signatures = signatures
    }

    mutating func next() async throws(UpstreamFailure) -> ChatStreamEvent? {
        while true {
            if readyIndex < ready.count {
                let event = ready[readyIndex]
                readyIndex += 1
                return event
            }
            if ended { return nil }
            ready.removeAll(keepingCapacity: true)
            readyIndex = 0
            let buffer: ByteBuffer?
            do {
                buffer = try await body.next()
            } catch {
                throw UpstreamFailure(kind: .connect, message: "upstream stream was interrupted")
            }
            var events: [SSEEvent] = []
            if let buffer {
                do {
                    try decoder.feed(buffer) { events.append($0) }
                } catch {
                    throw UpstreamFailure(kind: .malformedResponse, message: "upstream sent an oversized stream event")
                }
            } else if let last = decoder.finish() {
                events.append(last)
            }
            for event in events {
                try consume(event.data)
            }
            if buffer == nil {
                ended = true
                for chunk in try translator.finish() { ready.append(chunk.event()) }
            }
        }
    }

    /// Translates one SSE payload into ready events.
    private mutating func consume(_ data: ByteBuffer) throws(UpstreamFailure) {
        guard data.readableBytes > 0 else { return }
        if data.startsAfterWhitespace(with: #"{"error""#) {
            throw GeminiErrorClassifier.streamError(data)
        }
        let response: GeminiWire.Response
        do {
            response = try JSONDecoder().decode(GeminiWire.Response.self, from: data)
        } catch {
            throw UpstreamFailure(kind: .malformedResponse, message: "upstream sent a malformed stream chunk")
        }
        if response.error != nil { throw GeminiErrorClassifier.streamError(data) }
        let chunks = try translator.consume(response)
        signatures?.store(translator.drainSignatures())
        for chunk in chunks { ready.append(chunk.event()) }
    }
}
