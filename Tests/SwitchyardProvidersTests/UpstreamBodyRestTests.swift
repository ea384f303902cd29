import AsyncHTTPClient
import NIOCore
import Testing

@testable import SwitchyardProviders

/// An AsyncHTTPClient stream's body whose reader is done before its end (`[DONE]` or
/// `message_stop` came first): the rest is discarded in the background.
@Suite("UpstreamBodyRest: the rest of an AsyncHTTPClient stream")
struct UpstreamBodyRestTests {
    /// Sends a request and reads its body until `part-2` has arrived, as a stream reader
    /// that has seen its protocol's end event; returns the body, not read further.
    static func readUntilTheEndEvent(_ http: UpstreamHTTPClient, _ server: CountingServer) async throws -> HTTPClientResponse.Body.AsyncIterator {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/v1/chat/completions")
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: "{}"))
        let response = try await http.client.execute(request, timeout: .seconds(10))
        var body = response.body.makeAsyncIterator()
        var seen = ""
        while !seen.contains("part-2\n"), let part = try await body.next() { seen += String(buffer: part) }
        #expect(seen.contains("part-2\n"))
        return body
    }

    @Test func aRestThatEndsSoonLeavesTheConnectionToThePool() async throws {
        let server = try await CountingServer(mode: .streamThenRest(parts: 3, restAfterMs: 100, restParts: 2, ends: true))
        let http = UpstreamHTTPClient(maxConnections: 1, connectTimeoutMs: 1000)
        for _ in 0..<3 {
            // A long timeout: the whole suite at once can stall this process for about a
            // second, which must not pass for the rest not ending.
            UpstreamBodyRest.discard(try await Self.readUntilTheEndEvent(http, server), timeout: .seconds(10))
        }
        #expect(await HTTP1PoolTests.eventually { server.requestsReceived == 3 })
        try await Task.sleep(for: .milliseconds(300))
        #expect(server.connectionsAccepted == 1)
        #expect(server.connectionsClosed == 0)
        await http.shutdown()
        await server.close()
    }

    /// A rest that does not end, long (200 KiB) or not, is dropped: the connection closes.
    /// (A long rest that does end may already be read ahead by AsyncHTTPClient, which then
    /// rightly keeps the connection.)
    @Test(arguments: [(restParts: 200, ends: false), (restParts: 0, ends: false)])
    func aRestThatDoesNotEndClosesTheConnection(restParts: Int, ends: Bool) async throws {
        let server = try await CountingServer(mode: .streamThenRest(parts: 3, restAfterMs: 20, restParts: restParts, ends: ends))
        let http = UpstreamHTTPClient(maxConnections: 1, connectTimeoutMs: 1000)
        UpstreamBodyRest.discard(try await Self.readUntilTheEndEvent(http, server))
        #expect(await HTTP1PoolTests.eventually { server.connectionsClosed == 1 })
        UpstreamBodyRest.discard(try await Self.readUntilTheEndEvent(http, server))
        #expect(server.connectionsAccepted == 2)
        await http.shutdown()
        await server.close()
    }
}
