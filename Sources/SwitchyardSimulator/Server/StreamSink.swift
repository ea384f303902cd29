import Hummingbird
import HTTPTypes

/// Thrown to drop a connection mid-stream on purpose (`cut_stream_after_chunks`).
struct StreamCutError: Error {}

/// Thrown when the client went away mid-stream.
struct ClientGoneError: Error {}

/// Writes one simulated stream: unpaced events, paced content chunks, the deliberate cut
/// and the client-gone check. Every write is flushed as it is made.
struct StreamSink {
    private var writer: any ResponseBodyWriter
    private let watch: ConnectionWatch?
    private let interval: Duration
    private let cutAfter: Int?
    private(set) var pacedSent = 0

    init(writer: any ResponseBodyWriter, watch: ConnectionWatch?, interval: Duration, cutAfter: Int?) {
        self.writer = writer
        self.watch = watch
        self.interval = interval
        self.cutAfter = cutAfter
    }

    /// Writes an event that is not paced (role chunk, block start, ping...).
    mutating func event(_ buffer: ByteBuffer) async throws {
        try checkClient()
        try await writer.write(buffer)
    }

    /// Writes a content chunk, after the inter-chunk gap (none before the first).
    mutating func paced(_ buffer: ByteBuffer) async throws {
        try checkCut()
        if pacedSent > 0, interval > .zero {
            try await Task.sleep(for: interval)
        }
        try checkClient()
        try await writer.write(buffer)
        pacedSent += 1
    }

    /// Call before the closing events: a configured cut happens here at the latest, so a
    /// cut stream never carries its terminator.
    func ending() throws {
        try checkCut()
    }

    /// Ends the HTTP body.
    consuming func finish() async throws {
        try await writer.finish(nil)
    }

    private func checkCut() throws {
        if let cutAfter, pacedSent >= cutAfter { throw StreamCutError() }
    }

    private func checkClient() throws {
        if watch?.isClosed == true { throw ClientGoneError() }
    }
}

extension SimulatedExchange {
    /// A 200 streaming response whose body `produce` writes through a `StreamSink`. The
    /// first-token delay has already passed; the request is settled when the body ends.
    func streamResponse(
        headers: HTTPFields,
        produce: @escaping @Sendable (inout StreamSink) async throws -> Void
    ) async -> Response {
        let watch = await watch()
        let tracker = tracker
        let interval = timing.interval
        let cutAfter = options.cutStreamAfterChunks
        tracker.streamStarted()
        return Response(
            status: .ok,
            headers: headers,
            body: ResponseBody { writer in
                var sink = StreamSink(writer: writer, watch: watch, interval: interval, cutAfter: cutAfter)
                do {
                    try await produce(&sink)
                    try await sink.finish()
                    tracker.finish(.completed)
                } catch is StreamCutError {
                    tracker.finish(.failed)
                    throw StreamCutError()
                } catch {
                    tracker.finish(.cancelled)
                    throw error
                }
            }
        )
    }
}
