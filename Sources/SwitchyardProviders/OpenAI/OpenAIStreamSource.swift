import AsyncHTTPClient
import NIOCore
import SwitchyardCore

/// Reads an OpenAI-style SSE stream (providers.md §1.3) into chat events, forwarding each
/// chunk's bytes as they are: only the usage chunk and error objects are decoded.
struct OpenAIStreamSource: ChatEventSource, @unchecked Sendable {
    // @unchecked: the body iterator is used by the single consuming task only; the
    // stream is handed over once from the adapter to the relay and never shared.
    private var body: HTTPClientResponse.Body.AsyncIterator
    private var decoder = SSEDecoder()
    private var ready: [SSEEvent] = []
    private var readyIndex = 0
    private var finished = false
    private var sawFinishReason = false
    private var bodyEnded = false

    init(body: HTTPClientResponse.Body) {
        self.body = body.makeAsyncIterator()
        ready.reserveCapacity(8)
    }

    mutating func next() async throws(UpstreamFailure) -> ChatStreamEvent? {
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
                if sawFinishReason { return nil }
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
            return nil
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
        if data.containsBytes(#""choices":[]"#), let usage = OpenAIWire.usage(in: data) {
            return .usage(usage, data)
        }
        return .chunk(data)
    }
}
