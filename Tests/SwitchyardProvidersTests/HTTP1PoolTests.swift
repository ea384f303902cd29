import NIOCore
import NIOEmbedded
import NIOSSL
import X509
import Crypto
import Foundation
import NIOHTTP1
import NIOPosix
import Synchronization
import SwitchyardCore
import Testing

@testable import SwitchyardProviders

/// A plain HTTP/1.1 server on 127.0.0.1 that counts the connections it accepts and
/// answers every request `{"ok":true}` (or closes after it, or never answers).
final class CountingServer: Sendable {
    enum Mode: Sendable {
        case answer(delayMs: Int64)
        case answerAndClose
        /// Answers as if keeping the connection alive, then drops it.
        case answerAndDropSilently
        case hang
        /// A `200` whose chunked body is `parts` lines `part-<i>` sent `intervalMs` apart
        /// (all at once for 0).
        case stream(parts: Int, intervalMs: Int64)
        /// A `429` with a small JSON body, keeping the connection alive.
        case reject
        /// A `200` whose chunked body is `parts` lines `part-<i>` at once, then, `restAfterMs`
        /// later, `restParts` parts of 1 KiB and (if `ends`) the body's end. (Few large parts:
        /// thousands of small ones written in one turn of the process-wide event loop, in a
        /// debug build, stall the other tests' connections on it for a second.)
        case streamThenRest(parts: Int, restAfterMs: Int64, restParts: Int, ends: Bool)
    }

    let channel: any Channel
    private let counts: Counts

    var port: Int { channel.localAddress?.port ?? 0 }
    var connectionsAccepted: Int { counts.accepted.load(ordering: .relaxed) }
    var connectionsClosed: Int { counts.closed.load(ordering: .relaxed) }
    var requestsReceived: Int { counts.requests.load(ordering: .relaxed) }

    /// `tls`: serve HTTPS with this context instead of plain HTTP.
    init(mode: Mode, tls: NIOSSLContext? = nil) async throws {
        let counts = Counts()
        self.counts = counts
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                counts.accepted.add(1, ordering: .relaxed)
                counts.connections.withLock { $0.append(channel) }
                channel.closeFuture.whenComplete { _ in counts.closed.add(1, ordering: .relaxed) }
                return channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
                    }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Responder(mode: mode, counts: counts))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    func close() async {
        try? await channel.close()
    }

    /// Closes every connection it accepted.
    func closeConnections() async {
        for connection in counts.connections.withLock({ $0 }) { try? await connection.close() }
    }

    private final class Counts: Sendable {
        let accepted = Atomic<Int>(0)
        let closed = Atomic<Int>(0)
        let requests = Atomic<Int>(0)
        let connections = Mutex<[any Channel]>([])
    }

    private final class Responder: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let mode: Mode
        let counts: Counts

        init(mode: Mode, counts: Counts) {
            self.mode = mode
            self.counts = counts
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .end = unwrapInboundIn(data) else { return }
            counts.requests.add(1, ordering: .relaxed)
            var headers = HTTPHeaders([("content-type", "application/json"), ("content-length", "11")])
            switch mode {
            case .hang:
                return
            case .reject:
                let body = ByteBuffer(string: #"{"error":"slow down"}"#)
                let headers = HTTPHeaders([("content-type", "application/json"), ("content-length", String(body.readableBytes))])
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .tooManyRequests, headers: headers))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            case .stream(let parts, let intervalMs):
                let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: HTTPHeaders([("content-type", "text/event-stream")]))
                context.writeAndFlush(wrapOutboundOut(.head(head)), promise: nil)
                if intervalMs == 0 {
                    for index in 0..<parts {
                        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "part-\(index)\n")))), promise: nil)
                    }
                    context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                } else {
                    let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                    for index in 0...parts {
                        context.eventLoop.scheduleTask(in: .milliseconds(intervalMs * Int64(index + 1))) {
                            let (responder, context) = loopBound.value
                            guard context.channel.isActive else { return }
                            if index == parts {
                                context.writeAndFlush(responder.wrapOutboundOut(.end(nil)), promise: nil)
                            } else {
                                context.writeAndFlush(responder.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "part-\(index)\n")))), promise: nil)
                            }
                        }
                    }
                }
            case .streamThenRest(let parts, let restAfterMs, let restParts, let ends):
                let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: HTTPHeaders([("content-type", "text/event-stream")]))
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                for index in 0..<parts {
                    context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "part-\(index)\n")))), promise: nil)
                }
                context.flush()
                let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: .milliseconds(restAfterMs)) {
                    let (responder, context) = loopBound.value
                    guard context.channel.isActive else { return }
                    let filler = ByteBuffer(repeating: UInt8(ascii: "x"), count: 1024)
                    for _ in 0..<restParts {
                        context.write(responder.wrapOutboundOut(.body(.byteBuffer(filler))), promise: nil)
                    }
                    if ends { context.write(responder.wrapOutboundOut(.end(nil)), promise: nil) }
                    context.flush()
                }
            case .answerAndClose:
                headers.add(name: "connection", value: "close")
                respond(context: context, headers: headers, close: true)
            case .answerAndDropSilently:
                respond(context: context, headers: headers, close: true)
            case .answer(let delayMs):
                if delayMs == 0 {
                    respond(context: context, headers: headers, close: false)
                } else {
                    let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                    let headers = headers
                    context.eventLoop.scheduleTask(in: .milliseconds(delayMs)) {
                        let (responder, context) = loopBound.value
                        responder.respond(context: context, headers: headers, close: false)
                    }
                }
            }
        }

        private func respond(context: ChannelHandlerContext, headers: HTTPHeaders, close: Bool) {
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: #"{"ok":true}"#)))), promise: nil)
            let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
            if close {
                let channel = context.channel
                done.whenComplete { _ in channel.close(promise: nil) }
            }
        }
    }
}

@Suite("HTTP1Pool: the lean upstream path for whole answers")
struct HTTP1PoolTests {
    static func pool(
        _ server: CountingServer,
        max: Int = 4,
        discardTimeout: TimeAmount = .seconds(1),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) throws -> HTTP1Pool {
        let origin = try #require(HTTP1Pool.Origin(url: "http://127.0.0.1:\(server.port)/v1"))
        return try HTTP1Pool(origin: origin, maxConnections: max, connectTimeoutMs: 1000, group: group, discardTimeout: discardTimeout)
    }

    static func request() -> HTTPRequestHead {
        HTTPRequestHead(version: .http1_1, method: .POST, uri: "/v1/chat/completions")
    }

    /// Polls `condition` every 10 ms for up to 5 s; true once it holds.
    static func eventually(_ condition: () -> Bool) async -> Bool {
        let end = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < end {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    static func send(_ pool: HTTP1Pool, deadlineMs: Int64 = 10_000) async throws(UpstreamFailure) -> HTTP1Answer {
        try await pool.execute(request(), body: ByteBuffer(string: "{}"), deadline: .now() + .milliseconds(deadlineMs), maxResponseBytes: 1 << 20)
    }

    @Test(arguments: [
        ("http://127.0.0.1:8080/v1", "127.0.0.1", 8080, false),
        ("https://api.openai.com/v1", "api.openai.com", 443, true),
        ("http://localhost", "localhost", 80, false),
        ("http://[::1]:9000/v1/", "::1", 9000, false),
    ])
    func originParsing(url: String, host: String, port: Int, tls: Bool) throws {
        let origin = try #require(HTTP1Pool.Origin(url: url))
        #expect(origin.host == host)
        #expect(origin.port == port)
        #expect(origin.tls == tls)
    }

    @Test(arguments: ["ftp://host/v1", "http://", "http://user:pw@host/v1", "http://host:0", "http://host:99999", "http://host:x/v1", "host:80"])
    func originRejects(url: String) {
        #expect(HTTP1Pool.Origin(url: url) == nil)
    }

    @Test func sequentialRequestsReuseOneConnection() async throws {
        let server = try await CountingServer(mode: .answer(delayMs: 0))
        let pool = try Self.pool(server)
        for _ in 0..<5 {
            let answer = try await Self.send(pool)
            #expect(answer.head.status == .ok)
            #expect(String(buffer: answer.body) == #"{"ok":true}"#)
        }
        #expect(server.connectionsAccepted == 1)
        pool.shutdown()
        await server.close()
    }

    @Test func concurrentRequestsStayWithinMaxConnections() async throws {
        let server = try await CountingServer(mode: .answer(delayMs: 30))
        let pool = try Self.pool(server, max: 2)
        let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
            for _ in 0..<8 {
                group.addTask { try await Self.send(pool).head.status.code }
            }
            return try await group.reduce(into: [UInt]()) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 200, count: 8))
        #expect(server.connectionsAccepted <= 2)
        pool.shutdown()
        await server.close()
    }

    @Test func connectionCloseIsNotReused() async throws {
        let server = try await CountingServer(mode: .answerAndClose)
        let pool = try Self.pool(server, max: 1)
        for _ in 0..<3 {
            #expect(try await Self.send(pool).head.status == .ok)
        }
        #expect(server.connectionsAccepted == 3)
        pool.shutdown()
        await server.close()
    }

    @Test func deadlineTimesOutAndFreesTheConnectionSlot() async throws {
        let server = try await CountingServer(mode: .hang)
        let pool = try Self.pool(server, max: 1)
        for round in 1...2 {
            // With one slot, the second request only gets a connection if the first freed it.
            // The deadline leaves the request time to be written first: one given up before
            // it reaches its connection leaves that connection clean, and the pool rightly
            // keeps it (a CI run on a loaded machine, where connecting took longer than the
            // 150 ms this test once allowed, saw exactly that: one connection, still open;
            // 1 s was still short, 1 run in 10, with the whole suite running at once).
            do {
                _ = try await Self.send(pool, deadlineMs: 2000)
                Issue.record("a hanging upstream answered")
            } catch {
                #expect(error.kind == .timeout)
            }
            // Counted when the server has read the request, which may land after the failure.
            try #require(await Self.eventually { server.requestsReceived == round }, "the request never reached the server before its deadline")
            // The timed-out exchange closes its connection, and the close frees the slot; on
            // a loaded machine both may land after the request has failed, as may the
            // server's accept of the connection (the CI run of 5568db4 saw 1 of 2).
            #expect(await Self.eventually { server.connectionsAccepted == round })
            #expect(await Self.eventually { pool.counts.open == 0 })
        }
        pool.shutdown()
        await server.close()
    }

    @Test func aRequestWaitingForAConnectionGivesUpAtItsDeadline() async throws {
        let server = try await CountingServer(mode: .hang)
        let pool = try Self.pool(server, max: 1)
        let holder = Task { () async throws(UpstreamFailure) -> HTTP1Answer in try await Self.send(pool, deadlineMs: 20_000) }
        while server.connectionsAccepted == 0 { try await Task.sleep(for: .milliseconds(5)) }
        do {
            _ = try await Self.send(pool, deadlineMs: 150)
            Issue.record("a request got the only connection while it was busy")
        } catch {
            #expect(error.kind == .timeout)
        }
        holder.cancel()
        _ = await holder.result
        pool.shutdown()
        await server.close()
    }

    /// HTTPS: the handshake verifies the server's certificate for the origin's host name
    /// (SNI and name check), and a certificate the client does not trust fails to connect.
    @Test func httpsOriginsSpeakTLSAndVerifyTheServer() async throws {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName("localhost") }
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: Date() - 3600, notValidAfter: Date() + 3600,
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                SubjectAlternativeNames([.dnsName("localhost")])
            },
            issuerPrivateKey: .init(key)
        )
        let sslCertificate = try NIOSSLCertificate(bytes: Array(try certificate.serializeAsPEM().pemString.utf8), format: .pem)
        let sslKey = try NIOSSLPrivateKey(bytes: Array(key.pemRepresentation.utf8), format: .pem)
        let serverContext = try NIOSSLContext(
            configuration: .makeServerConfiguration(certificateChain: [.certificate(sslCertificate)], privateKey: .privateKey(sslKey))
        )
        let server = try await CountingServer(mode: .answer(delayMs: 0), tls: serverContext)
        let origin = try #require(HTTP1Pool.Origin(url: "https://localhost:\(server.port)/v1"))

        var trusting = TLSConfiguration.makeClientConfiguration()
        trusting.trustRoots = .certificates([sslCertificate])
        let pool = try HTTP1Pool(origin: origin, maxConnections: 2, connectTimeoutMs: 2000, tls: trusting)
        for _ in 0..<3 {
            let answer = try await Self.send(pool)
            #expect(answer.head.status == .ok)
            #expect(String(buffer: answer.body) == #"{"ok":true}"#)
        }
        #expect(server.connectionsAccepted == 1)
        pool.shutdown()

        // The default configuration (system roots) does not trust this certificate.
        let strict = try HTTP1Pool(origin: origin, maxConnections: 1, connectTimeoutMs: 2000)
        do throws(UpstreamFailure) {
            _ = try await Self.send(strict)
            Issue.record("an untrusted certificate was accepted")
        } catch {
            #expect(error.kind == .connect)
        }
        strict.shutdown()
        await server.close()
    }

    @Test func refusedConnectionIsAConnectFailure() async throws {
        let server = try await CountingServer(mode: .answer(delayMs: 0))
        let pool = try Self.pool(server)
        await server.close()
        do {
            _ = try await Self.send(pool)
            Issue.record("a closed port answered")
        } catch {
            #expect(error.kind == .connect)
        }
        pool.shutdown()
    }

    @Test func aKeptAliveConnectionTheServerDroppedIsNotAFailure() async throws {
        let server = try await CountingServer(mode: .answerAndDropSilently)
        let pool = try Self.pool(server, max: 1)
        for round in 0..<6 {
            // Without the pause the drop may arrive while the request is being written:
            // the request is then retried once on a new connection.
            if round % 2 == 1 { try await Task.sleep(for: .milliseconds(20)) }
            let before = pool.counts
            do {
                _ = try await Self.send(pool, deadlineMs: 2000)
            } catch {
                Issue.record("round \(round): \(error); pool before \(before), after \(pool.counts); server accepted \(server.connectionsAccepted) closed \(server.connectionsClosed) requests \(server.requestsReceived)")
            }
        }
        pool.shutdown()
        await server.close()
    }

    /// Cancellations racing answers on shared connections never fail a request that was
    /// not cancelled (a late cancel once closed the connection the next request was using).
    @Test func cancellationsNeverFailOtherRequests() async throws {
        let server = try await CountingServer(mode: .answer(delayMs: 1))
        let pool = try Self.pool(server, max: 2)
        let failures = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<200 {
                group.addTask {
                    let task = Task { () async throws(UpstreamFailure) -> HTTP1Answer in try await Self.send(pool) }
                    guard index.isMultiple(of: 2) else {
                        return (try? await task.value) == nil ? 1 : 0
                    }
                    try? await Task.sleep(for: .microseconds(Int64(index % 7) * 300))
                    task.cancel()
                    _ = await task.result
                    return 0
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(failures == 0)
        #expect(try await Self.send(pool).head.status == .ok)
        pool.shutdown()
        await server.close()
    }

    @Test func cancellingTheTaskWhileTheRequestIsOutClosesTheUpstreamConnection() async throws {
        let server = try await CountingServer(mode: .hang)
        let pool = try Self.pool(server, max: 1)
        let task = Task { () async throws(UpstreamFailure) -> HTTP1Answer in try await Self.send(pool) }
        // Once the request is out (cancelled before that, it is never written and the
        // connection stays clean and pooled).
        while server.requestsReceived == 0 { try await Task.sleep(for: .milliseconds(5)) }
        task.cancel()
        let result = await task.result
        guard case .failure(let failure) = result else {
            Issue.record("a cancelled request answered")
            return
        }
        #expect((failure as? UpstreamFailure)?.kind == .timeout)
        while server.connectionsClosed == 0 { try await Task.sleep(for: .milliseconds(5)) }
        pool.shutdown()
        await server.close()
    }
}

/// The exchange handler on an embedded channel: which aborts close the connection.
@Suite("HTTP1ExchangeHandler: giving up one exchange")
struct HTTP1ExchangeHandlerTests {
    /// A channel with the handler, and what it reported to its pool.
    final class Harness {
        let channel = EmbeddedChannel()
        var settled: [Bool] = []

        deinit {
            // An embedded channel left open keeps its pipeline (and this harness's
            // handler) alive for good: LeakSanitizer reports it.
            _ = try? channel.finish(acceptAlreadyClosed: true)
        }

        /// Reads the handler passed on towards the socket.
        let reads = ReadCounter()

        init() throws {
            let handler = HTTP1ExchangeHandler { [weak self] reusable in self?.settled.append(reusable) }
            try channel.pipeline.syncOperations.addHandler(reads)
            try channel.pipeline.syncOperations.addHandler(handler)
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        }

        func ticket() -> HTTP1ExchangeTicket {
            HTTP1ExchangeTicket(promise: channel.eventLoop.makePromise(of: HTTP1Answer.self))
        }

        func write(_ ticket: HTTP1ExchangeTicket, bodySource: HTTP1BodyStream.Source? = nil) throws {
            let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/v1/chat/completions")
            try channel.writeOutbound(HTTP1ExchangeHandler.Exchange(head: head, body: ByteBuffer(string: "{}"), maxResponseBytes: 1 << 20, ticket: ticket, bodySource: bodySource))
        }

        /// Writes a new exchange and drains what went out.
        func send() throws -> HTTP1ExchangeTicket {
            let ticket = ticket()
            try write(ticket)
            while try channel.readOutbound(as: HTTPClientRequestPart.self) != nil {}
            return ticket
        }

        func answer() throws {
            let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: ["content-length": "11"])
            try channel.writeInbound(HTTPClientResponsePart.head(head))
            try channel.writeInbound(HTTPClientResponsePart.body(ByteBuffer(string: #"{"ok":true}"#)))
            try channel.writeInbound(HTTPClientResponsePart.end(nil))
        }

        /// What the pool does on a deadline or cancellation.
        func abort(_ ticket: HTTP1ExchangeTicket, _ reason: HTTP1ExchangeError = .cancelled) {
            ticket.abandon(reason)
            channel.pipeline.triggerUserOutboundEvent(HTTP1AbortExchange(ticket: ticket, reason: reason), promise: nil)
        }
    }

    /// Counts the reads that pass it on their way to the socket.
    final class ReadCounter: ChannelOutboundHandler {
        typealias OutboundIn = Any
        var count = 0
        func read(context: ChannelHandlerContext) {
            count += 1
            context.read()
        }
    }

    /// Records how a promise completed.
    final class Outcome: @unchecked Sendable {
        var result: Result<HTTP1Answer, any Error>?
        init(_ ticket: HTTP1ExchangeTicket) {
            ticket.promise.futureResult.whenComplete { self.result = $0 }
        }
    }

    @Test func lateAbortOfAFinishedExchangeLeavesTheNextOneOnTheConnectionAlone() throws {
        let harness = try Harness()
        let firstTicket = try harness.send()
        let first = Outcome(firstTicket)
        try harness.answer()
        #expect(harness.settled == [true])
        guard case .success? = first.result else {
            Issue.record("the first exchange did not succeed")
            return
        }
        // The pool lent the connection to the next request; then the first request's
        // cancellation (or deadline) arrives late.
        let second = Outcome(try harness.send())
        harness.abort(firstTicket)
        harness.abort(firstTicket, .deadlineExceeded)
        #expect(harness.channel.isActive)
        #expect(second.result == nil)
        try harness.answer()
        guard case .success(let answer)? = second.result else {
            Issue.record("the second exchange did not succeed")
            return
        }
        #expect(String(buffer: answer.body) == #"{"ok":true}"#)
        #expect(harness.settled == [true, true])
        #expect(harness.channel.isActive)
    }

    @Test func abortOfTheExchangeInFlightFailsItAndClosesTheConnection() throws {
        let harness = try Harness()
        let ticket = try harness.send()
        let outcome = Outcome(ticket)
        harness.abort(ticket, .deadlineExceeded)
        guard case .failure(let error)? = outcome.result else {
            Issue.record("the aborted exchange did not fail")
            return
        }
        #expect(error as? HTTP1ExchangeError == .deadlineExceeded)
        #expect(harness.settled == [false])
        #expect(!harness.channel.isActive)
    }

    /// A request given up before it reaches the connection is never written (a hanging
    /// upstream would otherwise hold the connection, with no deadline left to free it).
    @Test(arguments: [true, false])
    func abortBeforeTheWriteSendsNothingAndTheConnectionStaysReusable(eventFirst: Bool) throws {
        let harness = try Harness()
        let ticket = harness.ticket()
        let outcome = Outcome(ticket)
        if eventFirst {
            harness.abort(ticket)
            #expect(throws: HTTP1ExchangeError.cancelled) { try harness.write(ticket) }
        } else {
            ticket.abandon(.cancelled)  // marked, its event not yet arrived
            #expect(throws: HTTP1ExchangeError.cancelled) { try harness.write(ticket) }
            harness.channel.pipeline.triggerUserOutboundEvent(HTTP1AbortExchange(ticket: ticket, reason: .cancelled), promise: nil)
        }
        let parts = try harness.channel.readOutbound(as: HTTPClientRequestPart.self) == nil ? 0 : 1
        guard case .failure(let error)? = outcome.result else {
            Issue.record("the aborted exchange did not fail")
            return
        }
        #expect(error as? HTTP1ExchangeError == .cancelled)
        #expect(parts == 0)
        #expect(harness.settled == [true])
        #expect(harness.channel.isActive)
        // The connection takes the next request as usual.
        let next = Outcome(try harness.send())
        try harness.answer()
        guard case .success? = next.result else {
            Issue.record("the next exchange did not succeed")
            return
        }
    }

    /// An answer nobody asked for on an idle connection: the connection closes and the
    /// pool hears of it once (it would otherwise keep a dead connection's slot forever).
    @Test func unsolicitedAnswerOnAnIdleConnectionClosesItAndTellsThePool() throws {
        let harness = try Harness()
        let first = Outcome(try harness.send())
        try harness.answer()
        guard case .success? = first.result else {
            Issue.record("the first exchange did not succeed")
            return
        }
        try harness.channel.writeInbound(HTTPClientResponsePart.head(HTTPResponseHead(version: .http1_1, status: .requestTimeout)))
        #expect(!harness.channel.isActive)
        #expect(harness.settled == [true, false])
    }

    @Test func aSecondRequestOnABusyConnectionIsNotSent() throws {
        let harness = try Harness()
        _ = try harness.send()
        let ticket = harness.ticket()
        let outcome = Outcome(ticket)
        #expect(throws: HTTP1ExchangeError.notSent) { try harness.write(ticket) }
        guard case .failure(let error)? = outcome.result else {
            Issue.record("the rejected exchange did not fail")
            return
        }
        #expect(error as? HTTP1ExchangeError == .notSent)
    }
}
