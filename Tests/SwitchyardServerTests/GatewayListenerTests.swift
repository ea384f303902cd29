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
/// ends; cancellation closes every connection; `ConnectionTasks` waits for and cancels them.
@Suite("Gateway listener", .timeLimit(.minutes(1)))
struct GatewayListenerTests {
    /// What the responder saw of each request: whether it ran on its connection's loop.
    final class Seen: Sendable {
        let onOwnLoop = Mutex<[Bool]>([])
        var count: Int { onOwnLoop.withLock { $0.count } }
    }

    static func listener(_ seen: Seen, port: @escaping @Sendable (Int) async -> Void) -> GatewayListener {
        let responder: GatewayResponder = { _, channel, _ in
            seen.onOwnLoop.withLock {
                $0.append(channel.eventLoop.inEventLoop && MultiThreadedEventLoopGroup.currentEventLoop === channel.eventLoop)
            }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ok")))
        }
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
}
