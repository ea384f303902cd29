import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization
import SwitchyardCore

/// Keep-alive HTTP/1.1 connections to one upstream origin: a request takes an idle
/// connection (or opens one, up to `maxConnections`, then waits its turn), writes, and gets
/// the whole answer from one promise, or (`stream`) the head from the promise and the body
/// as it arrives.
///
/// The lean path for OpenAI-protocol calls: no URL parsing per request, one hand-off to the
/// connection's event loop and one back for a whole answer. Other protocols keep
/// AsyncHTTPClient.
public final class HTTP1Pool: Sendable {
    /// Scheme, host and port of an upstream.
    public struct Origin: Hashable, Sendable {
        public let host: String
        public let port: Int
        public let tls: Bool

        /// Parses `http(s)://host[:port]...`; nil for anything else.
        public init?(url: String) {
            let tls: Bool
            var rest: Substring
            if url.hasPrefix("https://") {
                (tls, rest) = (true, url.dropFirst(8))
            } else if url.hasPrefix("http://") {
                (tls, rest) = (false, url.dropFirst(7))
            } else {
                return nil
            }
            if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
            guard !rest.isEmpty, !rest.contains("@") else { return nil }
            var host = rest
            var port = tls ? 443 : 80
            if rest.hasPrefix("[") {
                // [IPv6]:port
                guard let close = rest.firstIndex(of: "]") else { return nil }
                host = rest[rest.index(after: rest.startIndex)..<close]
                let after = rest[rest.index(after: close)...]
                if after.hasPrefix(":") {
                    guard let parsed = Int(after.dropFirst()), (1...65535).contains(parsed) else { return nil }
                    port = parsed
                }
            } else if let colon = rest.lastIndex(of: ":") {
                guard let parsed = Int(rest[rest.index(after: colon)...]), (1...65535).contains(parsed) else { return nil }
                host = rest[..<colon]
                port = parsed
            }
            guard !host.isEmpty else { return nil }
            self.host = String(host)
            self.port = port
            self.tls = tls
        }
    }

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Channel, any Error>
    }

    /// A connection idle for longer is closed instead of reused: servers drop idle
    /// keep-alive connections after a while, and a request written into one that is being
    /// dropped fails.
    static let maxIdle = TimeAmount.seconds(30)

    /// How long, by default, a stream's rest is read after its reader is done before the
    /// connection is closed instead (`HTTP1BodyStream.discardRest`).
    public static let defaultDiscardTimeout = TimeAmount.seconds(1)

    private struct Idle {
        let channel: Channel
        let since: NIODeadline
    }

    private struct State {
        var idle: [Idle] = []
        var open = 0
        var waiters: [Waiter] = []
        var nextWaiter: UInt64 = 0
        var shutDown = false
        /// Loops with a connection being opened for them in the background (`warm`).
        var warming: Set<ObjectIdentifier> = []
    }

    public let origin: Origin
    /// The `host` header value.
    let hostHeader: String
    private let maxConnections: Int
    private let connectTimeout: TimeAmount
    private let sslContext: NIOSSLContext?
    private let group: any EventLoopGroup
    /// The loops of `group`, for `callerLoop`.
    private let loopIDs: Set<ObjectIdentifier>
    private let discardTimeout: TimeAmount
    private let state = Mutex(State())

    /// `tls` replaces the default client configuration (system trust roots, full
    /// verification) for `https` origins; tests pass one that trusts their own certificate.
    /// `discardTimeout`: how long a stream's rest is read after its reader is done
    /// (`HTTP1BodyStream.discardRest`) before the connection is closed instead.
    public init(
        origin: Origin,
        maxConnections: Int,
        connectTimeoutMs: Int,
        tls: TLSConfiguration = .makeClientConfiguration(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        discardTimeout: TimeAmount = defaultDiscardTimeout
    ) throws {
        self.origin = origin
        let defaultPort = origin.tls ? 443 : 80
        let host = origin.host.contains(":") ? "[\(origin.host)]" : origin.host
        self.hostHeader = origin.port == defaultPort ? host : "\(host):\(origin.port)"
        self.maxConnections = max(1, maxConnections)
        self.connectTimeout = .milliseconds(Int64(max(1, connectTimeoutMs)))
        self.sslContext = origin.tls ? try NIOSSLContext(configuration: tls) : nil
        self.group = group
        self.loopIDs = Set(group.makeIterator().map { ObjectIdentifier($0) })
        self.discardTimeout = discardTimeout
    }

    /// Sends one request and returns the whole answer. `head` gets `host`, `content-length`
    /// and keep-alive here; its other fields go out as given, unchecked, so they must be
    /// valid (constant names, values without control characters). Throws `UpstreamFailure` (`connect`, `timeout`) like the AHC path.
    public func execute(
        _ head: consuming HTTPRequestHead,
        body: ByteBuffer,
        deadline: NIODeadline,
        maxResponseBytes: Int
    ) async throws(UpstreamFailure) -> HTTP1Answer {
        try await run(head, body: body, deadline: deadline, maxResponseBytes: maxResponseBytes, streamed: false).answer
    }

    /// Sends one request and returns a `200` answer's head as soon as it arrives, with its
    /// body to be read as it comes; any other answer comes whole (up to `maxWholeBytes`).
    /// `deadline` is for the head: after it, the consumer watches the body (and cancelling
    /// it or dropping the body closes the connection). The connection serves one body at a
    /// time, so a stream holds its connection slot until its body ends.
    public func stream(
        _ head: consuming HTTPRequestHead,
        body: ByteBuffer,
        deadline: NIODeadline,
        maxWholeBytes: Int
    ) async throws(UpstreamFailure) -> HTTP1StreamedAnswer {
        let (answer, stream) = try await run(head, body: body, deadline: deadline, maxResponseBytes: maxWholeBytes, streamed: true)
        return HTTP1StreamedAnswer(head: answer.head, body: stream, wholeBody: answer.body)
    }

    private func run(
        _ head: consuming HTTPRequestHead,
        body: ByteBuffer,
        deadline: NIODeadline,
        maxResponseBytes: Int,
        streamed: Bool
    ) async throws(UpstreamFailure) -> (answer: HTTP1Answer, stream: HTTP1BodyStream?) {
        // `head` is the caller's, handed over (`consuming`): its fields are set in place,
        // without a copy, and added rather than replaced when absent (replacing rebuilds them).
        Self.set("host", to: hostHeader, in: &head.headers)
        Self.set("content-length", to: String(body.readableBytes), in: &head.headers)
        let head = head
        // A kept-alive connection the server dropped while it sat idle either refuses the
        // request or closes with no byte of an answer: retried once on another connection,
        // as a failover to another deployment would resend it anyway.
        var retriedUnsent = false
        while true {
            let channel: Channel
            let reused: Bool
            do {
                (channel, reused) = try await lease(deadline: deadline)
            } catch {
                throw Self.failure(error, deadline: deadline)
            }
            do {
                return try await exchange(head, body: body, on: channel, deadline: deadline, maxResponseBytes: maxResponseBytes, streamed: streamed)
            } catch let error as HTTP1ExchangeError
                where (error == .notSent || error == .connectionLost(answerStarted: false))
                && reused && !retriedUnsent && !Task.isCancelled && NIODeadline.now() < deadline
            {
                retriedUnsent = true
            } catch HTTP1ExchangeError.tooLarge {
                throw UpstreamFailure(kind: .malformedResponse, message: "upstream answer is larger than the gateway reads")
            } catch {
                throw Self.failure(error, deadline: deadline)
            }
        }
    }

    /// One exchange on a leased connection; a streamed one's `200` answer comes with its body.
    private func exchange(
        _ head: HTTPRequestHead,
        body: ByteBuffer,
        on channel: Channel,
        deadline: NIODeadline,
        maxResponseBytes: Int,
        streamed: Bool
    ) async throws -> (answer: HTTP1Answer, stream: HTTP1BodyStream?) {
        let ticket = HTTP1ExchangeTicket(promise: channel.eventLoop.makePromise(of: HTTP1Answer.self))
        // The deadline and cancellation give up this exchange through the handler, which
        // closes the connection only while this exchange is the one in flight on it.
        let timeout = try? channel.eventLoop.scheduleCallback(at: deadline, handler: HTTP1ExchangeDeadline(ticket: ticket, channel: channel))
        defer { timeout?.cancel() }
        guard timeout != nil else {
            // Only a loop shutting down refuses the timer: nothing is sent.
            ticket.promise.fail(HTTP1ExchangeError.notSent)
            throw HTTP1ExchangeError.notSent
        }
        var exchange = HTTP1ExchangeHandler.Exchange(head: head, body: body, maxResponseBytes: maxResponseBytes, ticket: ticket)
        // Made before the write: the handler yields into its source. Dropped unread (an
        // answer that is not a 200, a failure), it tells the handler, which ignores it
        // once the exchange is over.
        var stream: HTTP1BodyStream?
        if streamed {
            let made = HTTP1BodyStream.make(channel: channel, ticket: ticket)
            exchange.bodySource = made.source
            stream = made.stream
        }
        let request = exchange
        let answer = try await withTaskCancellationHandler {
            // A connection closed under us (its handlers already gone) fails the write
            // without reaching the exchange handler: nothing was sent.
            let written = channel.eventLoop.makePromise(of: Void.self)
            written.futureResult.whenFailure { _ in ticket.promise.fail(HTTP1ExchangeError.notSent) }
            channel.writeAndFlush(request, promise: written)
            return try await ticket.promise.futureResult.get()
        } onCancel: {
            ticket.abandon(.cancelled)
            channel.triggerUserOutboundEvent(HTTP1AbortExchange(ticket: ticket, reason: .cancelled), promise: nil)
        }
        return (answer, answer.head.status == .ok ? stream : nil)
    }

    private static func set(_ name: String, to value: String, in fields: inout HTTPHeaders) {
        if fields.contains(name: name) {
            fields.replaceOrAdd(name: name, value: value)
        } else {
            fields.add(name: name, value: value)
        }
    }

    /// Connections open or opening, idle ones, and requests waiting: for tests.
    var counts: (open: Int, idle: Int, waiting: Int) {
        state.withLock { ($0.open, $0.idle.count, $0.waiters.count) }
    }

    /// The event loops of the idle connections, least recently pooled first: for tests.
    var idleLoops: [ObjectIdentifier] {
        state.withLock { $0.idle.map { ObjectIdentifier($0.channel.eventLoop) } }
    }

    /// Closes every idle connection and fails the waiters; in-flight exchanges finish or fail.
    public func shutdown() {
        let (idle, waiters) = state.withLock { state -> ([Idle], [Waiter]) in
            state.shutDown = true
            defer {
                state.idle = []
                state.waiters = []
            }
            return (state.idle, state.waiters)
        }
        for entry in idle { entry.channel.close(promise: nil) }
        for waiter in waiters { waiter.continuation.resume(throwing: ChannelError.ioOnClosedChannel) }
    }

    private static func failure(_ error: any Error, deadline: NIODeadline) -> UpstreamFailure {
        let exchangeError = error as? HTTP1ExchangeError
        if exchangeError == .deadlineExceeded || NIODeadline.now() >= deadline {
            return UpstreamFailure(kind: .timeout, message: "upstream did not answer in time")
        }
        if exchangeError == .cancelled || Task.isCancelled || error is CancellationError {
            return UpstreamFailure(kind: .timeout, message: "upstream request cancelled")
        }
        switch exchangeError {
        case .connectionLost?, .notSent?:
            return UpstreamFailure(kind: .connect, message: "upstream closed the connection")
        default:
            return UpstreamTransportError.classify(error)
        }
    }

    // MARK: - Connections

    private enum LeaseStep {
        case use(Channel)
        /// Use another loop's idle connection, and open one on the caller's loop for the
        /// requests after (its slot taken already).
        case useAndWarm(Channel, any EventLoop)
        case open
        case wait
        case shutDown
    }

    /// An idle connection, a new one, or the next one released.
    private func lease(deadline: NIODeadline) async throws -> (channel: Channel, reused: Bool) {
        var stale: [Channel] = []
        let step = state.withLock { decide(&$0, now: NIODeadline.now(), stale: &stale) }
        for channel in stale { channel.close(promise: nil) }
        switch step {
        case .use(let channel): return (channel, true)
        case .useAndWarm(let channel, let loop):
            warm(loop)
            return (channel, true)
        case .shutDown: throw ChannelError.ioOnClosedChannel
        case .open: return (try await connect(), false)
        case .wait: return (try await waitForConnection(deadline: deadline), true)
        }
    }

    /// What a request does for a connection, decided under the lock: an idle one that is
    /// still open and fresh (one on the caller's event loop first), else a new one if a
    /// slot is free (taken here), else wait.
    ///
    /// A caller on one of the pool's loops that finds idle connections only on other loops
    /// takes one of them (a hop between threads costs microseconds; a new connection, to a
    /// real provider, a TCP and TLS handshake) and, if a slot is free, has one opened on its
    /// own loop in the background for the requests after (at most one at a time a loop).
    private func decide(_ state: inout State, now: NIODeadline, stale: inout [Channel]) -> LeaseStep {
        if state.shutDown { return .shutDown }
        let loop = callerLoop
        // The most recently pooled connection on the caller's own loop: no hop to another thread.
        if let loop, let local = state.idle.lastIndex(where: { $0.channel.eventLoop === loop }) {
            let entry = state.idle.remove(at: local)
            if Self.lendable(entry, now: now, stale: &stale) { return .use(entry.channel) }
        }
        while let entry = state.idle.popLast() {
            guard Self.lendable(entry, now: now, stale: &stale) else { continue }
            if let loop, state.open < maxConnections, state.warming.insert(ObjectIdentifier(loop)).inserted {
                state.open += 1
                return .useAndWarm(entry.channel, loop)
            }
            return .use(entry.channel)
        }
        if state.open < maxConnections {
            state.open += 1
            return .open
        }
        return .wait
    }

    /// Whether an idle connection taken out of the pool can be lent: open and fresh. A closed
    /// one's close settles its slot; a stale open one goes to `stale`, for the caller to close
    /// (its close then settles its slot).
    private static func lendable(_ entry: Idle, now: NIODeadline, stale: inout [Channel]) -> Bool {
        guard entry.channel.isActive else { return false }
        if now - entry.since < maxIdle { return true }
        stale.append(entry.channel)
        return false
    }

    /// The calling thread's event loop, when it is one of the pool's: new connections open
    /// on it and its own idle connections are leased first, so that the caller's later
    /// requests find a connection on their own thread.
    private var callerLoop: (any EventLoop)? {
        guard let loop = MultiThreadedEventLoopGroup.currentEventLoop, loopIDs.contains(ObjectIdentifier(loop)) else {
            return nil
        }
        return loop
    }

    /// Waits for a connection to be released, until `deadline` or cancellation.
    private func waitForConnection(deadline: NIODeadline) async throws -> Channel {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiter &+= 1
            return state.nextWaiter
        }
        let timer = group.next().scheduleTask(deadline: deadline) { [self] in
            giveUp(waiter: id, with: HTTP1ExchangeError.deadlineExceeded)
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Channel, any Error>) in
                // Decided again and queued under one lock: a connection released since the
                // first look is taken now rather than missed (nobody would wake the waiter).
                // The timer or a cancellation either finds the waiter or came before and is
                // seen here.
                var stale: [Channel] = []
                let step = state.withLock { state -> LeaseStep? in
                    if Task.isCancelled { return nil }
                    let now = NIODeadline.now()
                    if now >= deadline { return nil }
                    let step = decide(&state, now: now, stale: &stale)
                    if case .wait = step { state.waiters.append(Waiter(id: id, continuation: continuation)) }
                    return step
                }
                for channel in stale { channel.close(promise: nil) }
                switch step {
                case nil:
                    continuation.resume(throwing: Task.isCancelled ? CancellationError() : HTTP1ExchangeError.deadlineExceeded)
                case .use(let channel)?:
                    continuation.resume(returning: channel)
                case .useAndWarm(let channel, let loop)?:
                    warm(loop)
                    continuation.resume(returning: channel)
                case .shutDown?:
                    continuation.resume(throwing: ChannelError.ioOnClosedChannel)
                case .open?:
                    connect(for: continuation)
                case .wait?:
                    break
                }
            }
        } onCancel: {
            giveUp(waiter: id, with: CancellationError())
        }
    }

    /// Takes a waiter out of the queue, if it is still there, and fails it with `error`.
    private func giveUp(waiter id: UInt64, with error: any Error) {
        let waiter = state.withLock { state -> Waiter? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index)
        }
        waiter?.continuation.resume(throwing: error)
    }

    /// Opens a connection on `loop` in the background (its slot taken already) and pools it.
    private func warm(_ loop: any EventLoop) {
        Task {
            let opened = try? await connect(on: loop)
            state.withLock { _ = $0.warming.remove(ObjectIdentifier(loop)) }
            // A failed connect has given its slot back already.
            if let opened { settled(opened, reusable: true) }
        }
    }

    /// Opens a connection (its slot in `open` is taken already), on `loop` or by default on
    /// the caller's loop (`callerLoop`), else on any of the group's.
    private func connect(on loop: (any EventLoop)? = nil) async throws -> Channel {
        let sslContext = self.sslContext
        let serverName = origin.host
        do {
            return try await ClientBootstrap(group: loop ?? callerLoop ?? group)
                .connectTimeout(connectTimeout)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { [self] channel in
                    channel.eventLoop.makeCompletedFuture {
                        let sync = channel.pipeline.syncOperations
                        if let sslContext {
                            let hostname = serverName.first?.isNumber == true || serverName.contains(":") ? nil : serverName
                            try sync.addHandler(try NIOSSLClientHandler(context: sslContext, serverHostname: hostname))
                        }
                        // No per-request check of the header fields (NIO's validator walks every
                        // byte of every field): the names are the adapters' constants, and
                        // the values are checked where they come in (credentials when the
                        // config loads, the request id when it is read from the client).
                        try sync.addHTTPClientHandlers(enableOutboundHeaderValidation: false)
                        try sync.addHandler(HTTP1ExchangeHandler(discardTimeout: discardTimeout) { [weak channel] reusable in
                            guard let channel else { return }
                            self.settled(channel, reusable: reusable)
                        })
                    }
                }
                .connect(host: origin.host, port: origin.port)
                .get()
        } catch {
            released(slot: ())
            throw error
        }
    }

    /// The exchange handler's report: the connection is free again, or gone.
    private func settled(_ channel: Channel, reusable: Bool) {
        if reusable {
            // One look under the lock: hand the connection to the first waiter, pool it,
            // or (shut down) close it; its close then settles the slot.
            let taker = state.withLock { state -> Waiter?? in
                if state.shutDown { return nil }
                if !state.waiters.isEmpty { return .some(state.waiters.removeFirst()) }
                state.idle.append(Idle(channel: channel, since: .now()))
                return .some(nil)
            }
            switch taker {
            case nil: channel.close(promise: nil)
            case .some(let waiter?): waiter.continuation.resume(returning: channel)
            case .some(nil): break
            }
            return
        }
        state.withLock { state in
            if let index = state.idle.firstIndex(where: { $0.channel === channel }) { state.idle.remove(at: index) }
        }
        released(slot: ())
    }

    /// A connection slot is free: open a connection for the next waiter, if any.
    private func released(slot: Void) {
        let waiter = state.withLock { state -> Waiter? in
            state.open -= 1
            guard !state.waiters.isEmpty, !state.shutDown else { return nil }
            state.open += 1
            return state.waiters.removeFirst()
        }
        guard let waiter else { return }
        connect(for: waiter.continuation)
    }

    /// Opens a connection (its slot taken already) for a waiting request and hands it over.
    private func connect(for continuation: CheckedContinuation<Channel, any Error>) {
        Task {
            do {
                continuation.resume(returning: try await connect())
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }
}

/// Gives up an exchange at its deadline (a scheduled callback: no promise or closure to make
/// for a timer that is nearly always cancelled).
private final class HTTP1ExchangeDeadline: NIOScheduledCallbackHandler, Sendable {
    let ticket: HTTP1ExchangeTicket
    let channel: any Channel

    init(ticket: HTTP1ExchangeTicket, channel: any Channel) {
        self.ticket = ticket
        self.channel = channel
    }

    func handleScheduledCallback(eventLoop: some EventLoop) {
        ticket.abandon(.deadlineExceeded)
        channel.triggerUserOutboundEvent(HTTP1AbortExchange(ticket: ticket, reason: .deadlineExceeded), promise: nil)
    }
}
