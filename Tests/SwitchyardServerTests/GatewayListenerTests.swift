import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization
import SwitchyardCore
import SwitchyardTesting
import Testing

@testable import SwitchyardServer

/// The gateway's own listener (`GatewayListener`): each accepted connection is answered by
/// a task on the connection's event loop; graceful shutdown closes idle connections and
/// ends; cancellation closes every connection; a streamed answer waits for a client that
/// does not read; `ConnectionTasks` waits for and cancels them.
@Suite("Gateway listener", .timeLimit(.minutes(1)))
struct GatewayListenerTests {
    /// What the responder saw of each request: whether it ran on its connection's loop.
    final class Seen: Sendable {
        let onOwnLoop = Mutex<[Bool]>([])
        var count: Int { onOwnLoop.withLock { $0.count } }
    }

    static func listener(_ seen: Seen, port: @escaping @Sendable (Int) async -> Void) -> GatewayListener {
        listener(port: port) { _, channel, _ in
            seen.onOwnLoop.withLock {
                $0.append(channel.eventLoop.inEventLoop && MultiThreadedEventLoopGroup.currentEventLoop === channel.eventLoop)
            }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ok")))
        }
    }

    static func listener(port: @escaping @Sendable (Int) async -> Void, responder: @escaping GatewayResponder) -> GatewayListener {
        var logger = Logger(label: "test.listener")
        logger.logLevel = .critical
        return GatewayListener(
            host: "127.0.0.1",
            port: 0,
            connection: GatewayApplication.http1Channel(ServerConfig(), responder: responder),
            logger: logger,
            onListening: port
        )
    }

    static let get = "GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"

    /// Starts `listener` in a task of `group` and returns its port.
    static func start(_ listener: GatewayListener, ports: AsyncStream<Int>, in group: inout ThrowingTaskGroup<Void, any Error>)
        async throws -> Int
    {
        group.addTask { try await listener.run() }
        var iterator = ports.makeAsyncIterator()
        return try #require(await iterator.next())
    }

    @Test func eachConnectionIsAnsweredOnItsOwnEventLoop() async throws {
        let seen = Seen()
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let listener = Self.listener(seen) { portSink.yield($0) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            let port = try await Self.start(listener, ports: ports, in: &group)
            // Four connections, so both of the group's loops get some; two requests each.
            for _ in 0..<4 {
                let outcome = try await RawConnection.exchange(
                    port: port,
                    sends: [(.zero, Self.get + Self.get.replacingOccurrences(of: "\r\n\r\n", with: "\r\nconnection: close\r\n\r\n"))]
                )
                #expect(outcome.text.components(separatedBy: "HTTP/1.1 200").count == 3, "\(outcome.text)")
                #expect(outcome.closedByServer)
            }
            group.cancelAll()
        }
        #expect(seen.onOwnLoop.withLock { $0 } == Array(repeating: true, count: 8))
    }

    @Test func cancellingTheListenerClosesItsOpenConnections() async throws {
        let seen = Seen()
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let listener = Self.listener(seen) { portSink.yield($0) }
        let outcome = try await withThrowingTaskGroup(of: Void.self) { group in
            let port = try await Self.start(listener, ports: ports, in: &group)
            // A keep-alive connection that stays open after its answer; the listener is
            // cancelled once that answer is given.
            async let outcome = RawConnection.exchange(port: port, sends: [(.zero, Self.get)], readLimit: .seconds(30))
            while seen.count == 0 { try await Task.sleep(for: .milliseconds(5)) }
            group.cancelAll()
            try await group.waitForAll()
            return try await outcome
        }
        #expect(outcome.status == 200)
        #expect(outcome.closedByServer)
    }

    @Test func gracefulShutdownClosesIdleConnectionsAndEnds() async throws {
        let seen = Seen()
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let listener = Self.listener(seen) { portSink.yield($0) }
        let services = ServiceGroup(configuration: .init(services: [listener], gracefulShutdownSignals: [], logger: listener.logger))
        let outcome = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            async let outcome = RawConnection.exchange(port: port, sends: [(.zero, Self.get)], readLimit: .seconds(30))
            while seen.count == 0 { try await Task.sleep(for: .milliseconds(5)) }
            await services.triggerGracefulShutdown()
            // The group's run returns only once the listener has: no cancellation here.
            try await group.waitForAll()
            return try await outcome
        }
        #expect(outcome.status == 200)
        #expect(outcome.closedByServer)
    }

    @Test func connectionTasksAreWaitedForAndCancelled() async throws {
        let tasks = ConnectionTasks()
        await tasks.waitUntilNone()  // none: returns at once
        let release = AsyncStream.makeStream(of: Void.self)
        // Real channels (a UDP socket each), on the event loops the tasks run on.
        let first = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        tasks.start(on: first) {
            for await _ in release.stream {}
        }
        #expect(tasks.count == 1)
        async let waited: Void = tasks.waitUntilNone()
        release.continuation.finish()
        await waited
        #expect(tasks.count == 0)

        // A cancelled task ends (its operation sees the cancellation), and a connection
        // that arrives after cancelAll is closed, with no task.
        tasks.start(on: first) {
            while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(5)) }
        }
        tasks.cancelAll()
        await tasks.waitUntilNone()
        let late = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        tasks.start(on: late) {}
        #expect(tasks.count == 0)
        try await late.closeFuture.get()  // closed by start
        #expect(first.isActive)
        try await first.close()
    }

    @Test func aStreamedAnswerWaitsForAClientThatDoesNotRead() async throws {
        // 64 parts of 1 MiB, streamed; the client stops reading. Without back-pressure every
        // write would return at once, the parts piling up in the gateway's memory; with it
        // the writer stops once the sockets' buffers and the channel's watermark are full
        // (about a dozen parts on loopback), and goes on when the client reads again.
        let parts = 64
        let written = Atomic<Int>(0)
        let part = ByteBuffer(repeating: UInt8(ascii: "x"), count: 1 << 20)
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let listener = Self.listener(port: { portSink.yield($0) }) { _, _, _ in
            Response(
                status: .ok,
                body: ResponseBody { writer in
                    for _ in 0..<parts {
                        try await writer.write(part)
                        written.add(1, ordering: .relaxed)
                    }
                    try await writer.finish(nil)
                })
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            let port = try await Self.start(listener, ports: ports, in: &group)
            let received = ByteCounter()
            let client = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelOption(.autoRead, value: false)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(received) }
                }
                .connect(host: "127.0.0.1", port: port).get()
            try await client.writeAndFlush(ByteBuffer(string: Self.get))
            // Wait until the writer has stopped: no progress for 300 ms.
            var last = -1
            for _ in 0..<200 where written.load(ordering: .relaxed) != last {
                last = written.load(ordering: .relaxed)
                try await Task.sleep(for: .milliseconds(300))
            }
            #expect(last < parts / 2, "the writer went on without the client reading: \(last) parts")
            try await client.setOption(.autoRead, value: true).get()
            client.read()
            // Reading again lets the writer finish: every part written and received (a
            // writer that never went on would hold this test to its time limit).
            while written.load(ordering: .relaxed) < parts || received.total.load(ordering: .relaxed) < parts << 20 {
                try await Task.sleep(for: .milliseconds(10))
            }
            try await client.close()
            group.cancelAll()
        }
    }
}

/// Counts the bytes a client channel reads.
final class ByteCounter: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let total = Atomic<Int>(0)

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        total.add(Self.unwrapInboundIn(data).readableBytes, ordering: .relaxed)
    }
}
