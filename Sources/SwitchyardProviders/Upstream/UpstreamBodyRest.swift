import AsyncHTTPClient
import NIOCore

/// What is left of an AsyncHTTPClient stream's body once the protocol's own end event came
/// (`[DONE]`, Anthropic's `message_stop`) before the body's end.
///
/// The reader stops there, and dropping a body before its end makes AsyncHTTPClient close
/// the connection: whenever the chunked end comes in a later read, the next stream would
/// pay for a new connection (a TLS handshake). So the rest is read and discarded in the
/// background (the client is not kept waiting), and the connection goes back to the pool
/// at the body's end; a rest longer than `limit` bytes, or not ended within `timeout`, is
/// dropped, which closes the connection. The lean pool does the same in its connection
/// handler (`HTTP1BodyStream.discardRest`).
enum UpstreamBodyRest {
    static let limit = HTTP1ExchangeHandler.discardLimit
    static let timeout = Duration.seconds(1)

    /// Reads `body` to its end, or until the limit or `timeout`, discarding what comes.
    /// The caller reads the body no more.
    static func discard(_ body: HTTPClientResponse.Body.AsyncIterator, timeout: Duration = timeout) {
        let rest = Rest(body)
        Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await rest.read() }
                group.addTask { try? await Task.sleep(for: timeout) }
                // The first to end stops the other: a rest still unread when the timer
                // ends is dropped (its read is cancelled), which closes the connection.
                await group.next()
                group.cancelAll()
            }
        }
    }

    /// The body handed over by its reader, read by one task.
    private final class Rest: @unchecked Sendable {
        // @unchecked: the reader hands the iterator over and never touches it again; only
        // the discarding task's `read` uses it.
        private var body: HTTPClientResponse.Body.AsyncIterator?

        init(_ body: HTTPClientResponse.Body.AsyncIterator) {
            self.body = body
        }

        func read() async {
            guard var body else { return }
            self.body = nil
            var bytes = 0
            while let part = try? await body.next() {
                bytes += part.readableBytes
                if bytes > UpstreamBodyRest.limit { return }
            }
        }
    }
}
