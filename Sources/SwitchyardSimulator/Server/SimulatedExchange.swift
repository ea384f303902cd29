import Hummingbird
import HTTPTypes
import NIOCore
import ServiceLifecycle
import Synchronization

/// One provider request in flight: the behaviour snapshot it runs under, its counters and
/// timing, and the shared steps every protocol takes (chaos, delays, streaming).
final class SimulatedExchange: Sendable {
    let state: SimulatorState
    let options: SimulatorOptions
    let tracker: RequestTracker
    let timing: SimulatedTiming
    let channel: any Channel
    private let cachedWatch = Mutex<ConnectionWatch?>(nil)

    init(state: SimulatorState, options: SimulatorOptions, tracker: RequestTracker, channel: any Channel) {
        self.state = state
        self.options = options
        self.tracker = tracker
        self.timing = SimulatedTiming(options: options)
        self.channel = channel
    }

    /// The connection's close watch, looked up once.
    func watch() async -> ConnectionWatch? {
        if let known = cachedWatch.withLock({ $0 }) { return known }
        let found = await ConnectionWatch.of(channel)
        cachedWatch.withLock { $0 = found }
        return found
    }

    /// Waits `duration`; false when the client went away (or the server is stopping) first.
    func pause(_ duration: Duration) async -> Bool {
        // A zero delay costs nothing: no event-loop hop to look the watch up.
        guard duration > .zero else { return !(cachedWatch.withLock { $0 }?.isClosed ?? false) }
        guard let watch = await watch() else {
            do {
                try await Task.sleep(for: duration)
                return true
            } catch {
                return false
            }
        }
        if watch.isClosed { return false }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                do {
                    try await Task.sleep(for: duration)
                    return true
                } catch {
                    return false
                }
            }
            group.addTask {
                await watch.waitUntilClosed()
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    /// Ends a request whose client went away: counts it and closes the connection.
    func abandon() -> Response {
        tracker.finish(.cancelled)
        channel.close(promise: nil)
        return Response(status: .ok)
    }

    /// Applies `hang`, `fail_after_ms` and `error_rate`: a response to send instead of the
    /// answer, or nil to go on. An injected failure of a stream may be sent in-band.
    func chaos(dialect: some WireDialect, stream: Bool) async -> Response? {
        if options.hang {
            return await hang()
        }
        let outage = options.failAfterMs.map { state.uptimeMs() > Int64($0) } ?? false
        let unlucky = options.errorRate > 0 && Double.random(in: 0..<1) < options.errorRate
        guard outage || unlucky else { return nil }
        guard await pause(timing.firstToken) else { return abandon() }
        let status = options.errorStatus
        let message = dialect.injectedMessage(status: status)
        if stream && options.inBandStreamErrors {
            let bytes = dialect.inBandStreamError(status: status, message: message, exchange: self)
            tracker.streamStarted()
            tracker.finish(.failed)
            return Response(status: .ok, headers: streamHeaders(dialect: dialect), body: .init(byteBuffer: bytes))
        }
        tracker.finish(.failed)
        return dialect.errorResponse(status: status, message: message, exchange: self)
    }

    /// An error response built by the dialect, counted as failed.
    func fail(dialect: some WireDialect, status: Int, message: String) -> Response {
        tracker.finish(.failed)
        return dialect.errorResponse(status: status, message: message, exchange: self)
    }

    /// Holds the request until the client goes away or the server stops.
    private func hang() async -> Response {
        if let watch = await watch() {
            await cancelWhenGracefulShutdown {
                await watch.waitUntilClosed()
            }
        }
        return abandon()
    }

    /// Waits the whole-answer delay of a non-streaming reply; then counts it completed.
    /// Returns false when the client went away first.
    func deliverWhole(pacedChunks: Int) async -> Bool {
        guard await pause(timing.wholeAnswer(chunks: pacedChunks)) else { return false }
        tracker.finish(.completed)
        return true
    }

    /// A complete JSON response, counted as already settled by the caller.
    func json(_ text: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    private func streamHeaders(dialect: some WireDialect) -> HTTPFields {
        [.contentType: dialect is BedrockDialect ? "application/vnd.amazon.eventstream" : "text/event-stream"]
    }
}
