import HTTPTypes
import Hummingbird
import NIOCore
import NIOEmbedded
import Testing

@testable import SwitchyardServer

/// `DirectRoutes` answers only a `POST` to one of its exact paths; everything else is the
/// router's.
@Suite("Direct routes")
struct DirectRoutesTests {
    static let routes = DirectRoutes(routes: [
        (path: "/v1/chat/completions", handler: { _, _ in Response(status: .ok) }),
        (path: "/v1/embeddings", handler: { _, _ in Response(status: .accepted) }),
    ])

    static func request(_ method: HTTPRequest.Method, _ path: String) -> Request {
        Request(head: HTTPRequest(method: method, scheme: "http", authority: "127.0.0.1", path: path), body: RequestBody(buffer: ByteBuffer()))
    }

    static func status(_ handler: DirectRoutes.Handler?, for request: Request) async throws -> HTTPResponse.Status? {
        guard let handler else { return nil }
        let channel = EmbeddedChannel()
        // Finished, or the channel and its pipeline (a reference cycle until then) leak.
        defer { _ = try? channel.finish() }
        let context = GatewayRequestContext(source: .init(channel: channel, logger: .init(label: "test")), client: nil)
        return try await handler(request, context).status
    }

    @Test func aPostToAnExactPathTakesItsRoute() async throws {
        let chat = Self.request(.post, "/v1/chat/completions")
        #expect(try await Self.status(Self.routes.handler(for: chat), for: chat) == .ok)
        let embeddings = Self.request(.post, "/v1/embeddings")
        #expect(try await Self.status(Self.routes.handler(for: embeddings), for: embeddings) == .accepted)
    }

    @Test func anythingElseIsTheRouters() {
        for (method, path) in [
            (HTTPRequest.Method.get, "/v1/chat/completions"),
            (.put, "/v1/chat/completions"),
            (.post, "/v1/chat/completions?stream=1"),
            (.post, "/v1/chat/completions/"),
            (.post, "/v1/chat"),
            (.post, "/v1/models"),
            (.post, "/V1/chat/completions"),
        ] {
            #expect(Self.routes.handler(for: Self.request(method, path)) == nil, "\(method) \(path)")
        }
    }
}
