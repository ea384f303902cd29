import NIOCore
import NIOHTTP1
import SwitchyardCore
import Testing

@testable import SwitchyardProviders

@Suite("HTTP1Pool: streamed answers")
struct HTTP1PoolStreamTests {
    static func stream(_ pool: HTTP1Pool, deadlineMs: Int64 = 10_000) async throws(UpstreamFailure) -> HTTP1StreamedAnswer {
        try await pool.stream(
            HTTP1PoolTests.request(), body: ByteBuffer(string: "{}"),
            deadline: .now() + .milliseconds(deadlineMs), maxWholeBytes: 1 << 20
        )
    }

    static func expected(_ parts: Int) -> String {
        (0..<parts).map { "part-\($0)\n" }.joined()
    }

    /// Reads a body to its end.
    static func collect(_ body: HTTP1BodyStream) async throws -> String {
        var text = ""
        for try await part in body { text += String(buffer: part) }
        return text
    }

    @Test func aStreamedBodyArrivesWholeAndItsConnectionIsReused() async throws {
        let server = try await CountingServer(mode: .stream(parts: 5, intervalMs: 5))
        let pool = try HTTP1PoolTests.pool(server, max: 1)
        for _ in 0..<3 {
            let answer = try await Self.stream(pool)
            #expect(answer.head.status == .ok)
            let body = try #require(answer.body)
            #expect(try await Self.collect(body) == Self.expected(5))
        }
        #expect(server.connectionsAccepted == 1)
        // The lean pool's whole answers share the connection with streams.
        #expect(pool.counts.open == 1)
        pool.shutdown()
        await server.close()
    }

    @Test func anAnswerThatIsNotA200ComesWholeAndKeepsItsConnection() async throws {
        let server = try await CountingServer(mode: .reject)
        let pool = try HTTP1PoolTests.pool(server, max: 1)
        for _ in 0..<2 {
            let answer = try await Self.stream(pool)
            #expect(answer.head.status == .tooManyRequests)
            #expect(answer.body == nil)
            #expect(String(buffer: answer.wholeBody) == #"{"error":"slow down"}"#)
        }
        #expect(server.connectionsAccepted == 1)
        pool.shutdown()
        await server.close()
    }

    /// A reader far behind a fast server: the connection stops reading until it catches
    /// up (back-pressure), every part arrives in order, and the connection reads again for
    /// the next exchange.
    @Test func aSlowReaderGetsEveryPartInOrderAndTheConnectionReadsOnAfterwards() async throws {
        let server = try await CountingServer(mode: .stream(parts: 2000, intervalMs: 0))
        let pool = try HTTP1PoolTests.pool(server, max: 1)
        for _ in 0..<2 {
            let body = try #require(try await Self.stream(pool).body)
            var text = ""
            var count = 0
            for try await part in body {
                text += String(buffer: part)
                count += 1
                if count % 8 == 0 { try await Task.sleep(for: .milliseconds(1)) }
            }
            #expect(text == Self.expected(2000))
        }
        #expect(server.connectionsAccepted == 1)
        pool.shutdown()
        await server.close()
    }

    @Test func aBodyDroppedBeforeItsEndClosesItsConnectionAndFreesTheSlot() async throws {
        let server = try await CountingServer(mode: .stream(parts: 500, intervalMs: 10))
        let pool = try HTTP1PoolTests.pool(server, max: 1)
        for round in 1...2 {
            do {
                let body = try #require(try await Self.stream(pool).body)
                var iterator = body.makeAsyncIterator()
                #expect(try await iterator.next().map { String(buffer: $0) } == "part-0\n")
            }  // the body and its iterator are dropped here, mid-body
            #expect(await HTTP1PoolTests.eventually { server.connectionsClosed == round })
            #expect(await HTTP1PoolTests.eventually { pool.counts.open == 0 })
        }
        #expect(server.connectionsAccepted == 2)
        pool.shutdown()
        await server.close()
    }

    /// Reads a body until `text` has arrived, then asks for the rest to be discarded and
    /// drops the body, as the OpenAI stream reader does at `[DONE]`.
    static func readUntil(_ text: String, thenDiscard body: HTTP1BodyStream) async throws {
        var iterator = body.makeAsyncIterator()
        var seen = ""
        while !seen.contains(text), let part = try await iterator.next() { seen += String(buffer: part) }
        #expect(seen.contains(text))
        body.discardRest()
    }

    /// The reader has what it needs before the body's last bytes arrive (an OpenAI stream's
    /// `[DONE]` before the chunked end): the connection discards the rest and is reused.
    @Test func aRestDiscardedAfterTheReaderIsDoneLeavesTheConnectionToThePool() async throws {
        let server = try await CountingServer(mode: .streamThenRest(parts: 3, restAfterMs: 100, restParts: 2, ends: true))
        // A long discard timeout: the whole suite at once can stall this process's event
        // loops for about a second, which must not pass for the rest not ending.
        let pool = try HTTP1PoolTests.pool(server, max: 1, discardTimeout: .seconds(10))
        for _ in 0..<3 {
            let body = try #require(try await Self.stream(pool).body)
            try await Self.readUntil("part-2\n", thenDiscard: body)
        }
        #expect(await HTTP1PoolTests.eventually { pool.counts.idle == 1 })
        #expect(server.connectionsAccepted == 1)
        #expect(server.connectionsClosed == 0)
        pool.shutdown()
        await server.close()
    }

    /// A rest that does not end, long (200 KiB) or not, is not waited for: the connection
    /// closes and its slot is free for the next request. (A long rest that does end may
    /// already sit with the reader when it leaves, and the connection is then rightly kept;
    /// the limit itself is tested on the handler.)
    @Test(arguments: [(restParts: 200, ends: false), (restParts: 0, ends: false)])
    func aRestThatDoesNotEndClosesTheConnection(restParts: Int, ends: Bool) async throws {
        let server = try await CountingServer(mode: .streamThenRest(parts: 3, restAfterMs: 20, restParts: restParts, ends: ends))
        let pool = try HTTP1PoolTests.pool(server, max: 1)
        let body = try #require(try await Self.stream(pool).body)
        try await Self.readUntil("part-2\n", thenDiscard: body)
        #expect(await HTTP1PoolTests.eventually { server.connectionsClosed == 1 })
        #expect(await HTTP1PoolTests.eventually { pool.counts.open == 0 })
        let next = try #require(try await Self.stream(pool).body)
        try await Self.readUntil("part-2\n", thenDiscard: next)
        #expect(server.connectionsAccepted == 2)
        pool.shutdown()
        await server.close()
    }

    @Test func cancellingTheReaderClosesTheConnectionAndFreesTheSlot() async throws {
        let server = try await CountingServer(mode: .stream(parts: 500, intervalMs: 10))
        let pool = try HTTP1PoolTests.pool(server, max: 1)
        let body = try #require(try await Self.stream(pool).body)
        let reader = Task {
            var parts = 0
            for try await _ in body { parts += 1 }
            return parts
        }
        try await Task.sleep(for: .milliseconds(50))
        reader.cancel()
        let parts = try? await reader.value
        #expect((parts ?? 0) < 500)
        #expect(await HTTP1PoolTests.eventually { server.connectionsClosed == 1 })
        #expect(await HTTP1PoolTests.eventually { pool.counts.open == 0 })
        // The slot is free for the next request.
        let answer = try await Self.stream(pool)
        #expect(answer.head.status == .ok)
        pool.shutdown()
        await server.close()
    }

    /// The deadline is for the head: a body that takes longer still arrives whole.
    @Test func theDeadlineCoversTheHeadNotTheBody() async throws {
        let server = try await CountingServer(mode: .stream(parts: 4, intervalMs: 1000))
        let pool = try HTTP1PoolTests.pool(server, max: 1)
        let body = try #require(try await Self.stream(pool, deadlineMs: 2000).body)
        #expect(try await Self.collect(body) == Self.expected(4))
        pool.shutdown()
        await server.close()
    }

    @Test func aHangingUpstreamTimesOutBeforeItsHead() async throws {
        let server = try await CountingServer(mode: .hang)
        let pool = try HTTP1PoolTests.pool(server, max: 1)
        do {
            _ = try await Self.stream(pool, deadlineMs: 300)
            Issue.record("a hanging upstream answered")
        } catch {
            #expect(error.kind == .timeout)
        }
        pool.shutdown()
        await server.close()
    }

    @Test func aConnectionCutMidBodyFailsTheReader() async throws {
        let server = try await CountingServer(mode: .stream(parts: 500, intervalMs: 10))
        let pool = try HTTP1PoolTests.pool(server, max: 1)
        let body = try #require(try await Self.stream(pool).body)
        var iterator = body.makeAsyncIterator()
        _ = try await iterator.next()
        await server.closeConnections()
        await #expect(throws: HTTP1ExchangeError.connectionLost(answerStarted: true)) {
            while try await iterator.next() != nil {}
        }
        #expect(await HTTP1PoolTests.eventually { pool.counts.open == 0 })
        pool.shutdown()
        await server.close()
    }
}
