import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import Testing

@testable import SwitchyardProviders

@Suite("Event-loop affinity: tasks on a connection's loop, upstream connections on the caller's loop")
struct EventLoopAffinityTests {
    @Test func aTaskPreferringTheExecutorRunsOnItsLoopAcrossSuspensionsAndInChildTasks() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let loop = group.next()
        let seen = await withTaskExecutorPreference(EventLoopTaskExecutor(loop: loop)) { () async -> [Bool] in
            var seen = [loop.inEventLoop]
            try? await Task.sleep(for: .milliseconds(5))
            seen.append(loop.inEventLoop)
            // A future completed on the other loop resumes the task back on its own.
            let other = group.next()
            let value = try? await other.submit { other.inEventLoop }.get()
            seen.append(value == true && loop.inEventLoop)
            let child = await withTaskGroup(of: Bool.self) { children in
                children.addTask { loop.inEventLoop }
                return await children.next() ?? false
            }
            seen.append(child)
            return seen
        }
        #expect(seen == [true, true, true, true])
        try await group.shutdownGracefully()
    }

    @Test func aJobEnqueuedOnTheLoopByAnotherWaitsBehindTheLoopsOtherWork() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let executor = EventLoopTaskExecutor(loop: loop)
        let order = OrderLog()
        // On the loop: task A's first job is queued, then other work X. A starts task B,
        // whose job is queued while A's drain runs: B goes after X, not straight after A.
        let first = try await loop.submit {
            let task = Task(executorPreference: executor) { () -> Task<Void, Never> in
                order.append("A \(loop.inEventLoop)")
                return Task(executorPreference: executor) {
                    order.append("B \(loop.inEventLoop)")
                }
            }
            loop.execute { order.append("X") }
            return task
        }.get()
        await first.value.value
        // A job enqueued from another thread also runs on the loop.
        let fromOutside = await Task(executorPreference: executor) { loop.inEventLoop }.value
        #expect(order.entries == ["A true", "X", "B true"])
        #expect(fromOutside)
        try await group.shutdownGracefully()
    }

    /// Runs one request on `pool` from a task on `loop`.
    static func send(_ pool: HTTP1Pool, from loop: any EventLoop) async throws -> UInt {
        try await withTaskExecutorPreference(EventLoopTaskExecutor(loop: loop)) {
            try await HTTP1PoolTests.send(pool).head.status.code
        }
    }

    @Test func theCallersLoopGetsItsOwnIdleConnectionAndOneIsOpenedForALoopWithout() async throws {
        let server = try await CountingServer(mode: .answer(delayMs: 0))
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let (a, b) = (group.next(), group.next())
        #expect(a !== b)
        let pool = try HTTP1PoolTests.pool(server, max: 4, group: group)

        // A new connection opens on the caller's loop.
        #expect(try await Self.send(pool, from: b) == 200)
        #expect(pool.idleLoops == [ObjectIdentifier(b)])
        // Another loop's caller is served at once on the idle connection, and one is opened
        // on its own loop in the background for the requests after.
        #expect(try await Self.send(pool, from: a) == 200)
        #expect(await HTTP1PoolTests.eventually { Set(pool.idleLoops) == [ObjectIdentifier(a), ObjectIdentifier(b)] })
        // (The server counts a connection when it accepts it, which may come after the
        // client side has connected.)
        #expect(await HTTP1PoolTests.eventually { server.connectionsAccepted == 2 })
        #expect(server.requestsReceived == 2)

        // Each caller now takes the connection on its own loop, whichever was pooled last.
        for caller in [a, b, b, a, a] {
            #expect(try await Self.send(pool, from: caller) == 200)
            #expect(pool.idleLoops.last == ObjectIdentifier(caller))
        }
        #expect(server.connectionsAccepted == 2)
        pool.shutdown()
        await server.close()
        try await group.shutdownGracefully()
    }

    @Test func aFullPoolLendsItsConnectionAcrossLoopsAndOpensNoMore() async throws {
        let server = try await CountingServer(mode: .answer(delayMs: 0))
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let (a, b) = (group.next(), group.next())
        let pool = try HTTP1PoolTests.pool(server, max: 1, group: group)
        for caller in [b, a, a, b, a] {
            #expect(try await Self.send(pool, from: caller) == 200)
        }
        try await Task.sleep(for: .milliseconds(50))
        #expect(server.connectionsAccepted == 1)
        #expect(pool.idleLoops == [ObjectIdentifier(b)])
        pool.shutdown()
        await server.close()
        try await group.shutdownGracefully()
    }

    @Test func aCallerOnALoopOutsideThePoolsGroupOpensOnTheGroup() async throws {
        let server = try await CountingServer(mode: .answer(delayMs: 0))
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let outside = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let pool = try HTTP1PoolTests.pool(server, max: 4, group: group)
        #expect(try await Self.send(pool, from: outside.next()) == 200)
        #expect(pool.idleLoops == [ObjectIdentifier(group.next())])
        pool.shutdown()
        await server.close()
        try await group.shutdownGracefully()
        try await outside.shutdownGracefully()
    }
}

/// What ran, in order, from any thread.
private final class OrderLog: Sendable {
    private let state = Mutex<[String]>([])
    func append(_ entry: String) { state.withLock { $0.append(entry) } }
    var entries: [String] { state.withLock { $0 } }
}
