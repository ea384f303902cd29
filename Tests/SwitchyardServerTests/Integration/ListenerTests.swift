import SwitchyardCore
import SwitchyardSimulator
import SwitchyardTesting
import Testing

/// The listener's own HTTP/1 handling (`HTTP1RequestHandler`): requests a client sends
/// back to back on one connection are answered one at a time and in order, a body over
/// `server.max_body_bytes` is refused without being gathered and the connection goes on,
/// and `connection: close` closes it after the answer.
@Suite("Listener")
struct ListenerTests {
    static func config(_ sims: [String: RunningSimulator]) -> ([ProviderConfig], [ModelConfig], [RouteConfig]) {
        guard let sim = sims["sim-a"] else { return ([], [], []) }
        return ([TestConfigs.provider("sim-a", simulator: sim)], [TestConfigs.model("gpt-4o-mini", on: ["sim-a"])], [])
    }

    static let sims = ["sim-a": SimulatorOptions(protocol: .openai)]

    static func get(_ path: String, close: Bool = false) -> String {
        "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(Harness.clientKey)\r\n"
            + (close ? "connection: close\r\n" : "") + "\r\n"
    }

    static func chat(_ body: String) -> String {
        "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(Harness.clientKey)\r\n"
            + "content-type: application/json\r\ncontent-length: \(body.utf8.count)\r\n\r\n" + body
    }

    /// The status codes of the answers in `text`, in order.
    static func statuses(_ text: String) -> [Int] {
        text.components(separatedBy: "HTTP/1.1 ").dropFirst().compactMap { Int($0.prefix(3)) }
    }

    @Test func pipelinedRequestsAreAnsweredInOrderAndCloseEndsTheConnection() async throws {
        try await Harness.withGateway(simulators: Self.sims, Self.config) { gateway, sims in
            // Four requests in one write: a chat answer (upstream, slowest) first, then a
            // 404, a model that does not exist and the model list, which would be ready
            // sooner if they were answered at once.
            let requests = Self.chat(Harness.chatBody(model: "gpt-4o-mini")) + Self.get("/nowhere")
                + Self.chat(Harness.chatBody(model: "gpt-9")) + Self.get("/v1/models", close: true)
            let outcome = try await RawConnection.exchange(port: gateway.port, sends: [(.zero, requests)])
            #expect(Self.statuses(outcome.text) == [200, 404, 404, 200], "\(outcome.text.prefix(600))")
            #expect(outcome.closedByServer)
            let answers: [String] = Array(outcome.text.components(separatedBy: "HTTP/1.1 ").dropFirst())
            #expect(answers.first?.contains("chat.completion") == true)
            #expect(answers.dropFirst().first?.contains("Unknown path") == true)
            #expect(answers.dropFirst(2).first?.contains("gpt-9") == true)
            #expect(answers.last?.contains(#""object":"list""#) == true)
            #expect(answers.allSatisfy { $0.lowercased().contains("\r\ndate: ") })
            #expect(sims["sim-a"]?.server.stats().requestsTotal == 1)
        }
    }

    @Test func aPipelinedRequestThatTimesOutWaitsForTheAnswerBeforeIt() async throws {
        var slow = SimulatorOptions(protocol: .openai)
        slow.latencyMs = 1000
        try await Harness.withGateway(
            simulators: ["sim-a": slow], server: { $0.clientRequestTimeoutMs = 200 }, Self.config
        ) { gateway, _ in
            // A chat request the upstream answers after a second, and behind it the head
            // and part of the body of a second request, whose rest never comes.
            let second = "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-length: 100\r\n\r\n{\"mo"
            let outcome = try await RawConnection.exchange(
                port: gateway.port, sends: [(.zero, Self.chat(Harness.chatBody(model: "gpt-4o-mini")) + second)])
            #expect(Self.statuses(outcome.text) == [200], "\(outcome.text.prefix(600))")
            #expect(outcome.text.contains("chat.completion"))
            #expect(outcome.closedByServer)
        }
    }

    @Test func aChunkedBodyOverTheLimitIs413AndTheConnectionGoesOn() async throws {
        try await Harness.withGateway(simulators: Self.sims, maxBodyBytes: 1024, Self.config) { gateway, sims in
            let head = "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(Harness.clientKey)\r\n"
                + "content-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
            let chunk = String(repeating: "x", count: 1000)
            let chunked = (0..<4).map { _ in "3e8\r\n" + chunk + "\r\n" }.joined() + "0\r\n\r\n"
            let outcome = try await RawConnection.exchange(
                port: gateway.port,
                sends: [(.zero, head + chunked + Self.get("/health/live", close: true))]
            )
            #expect(Self.statuses(outcome.text) == [413, 200], "\(outcome.text.prefix(600))")
            #expect(outcome.text.contains(#""code":"request_too_large""#))
            #expect(outcome.closedByServer)
            // The answer does not wait for the body's end: the body is not gathered past the
            // limit, whether it passes it in one part or over several.
            let oneChunk = "7d0\r\n" + chunk + chunk
            let twoChunks = ["3e8\r\n" + chunk + "\r\n", "3e8\r\n" + chunk + "\r\n"]
            for sends in [[head, oneChunk], [head + twoChunks[0], twoChunks[1]]] {
                let unended = try await RawConnection.exchange(
                    port: gateway.port, sends: [(.zero, sends[0]), (.milliseconds(100), sends[1])], readLimit: .seconds(2))
                #expect(Self.statuses(unended.text) == [413], "\(unended.text.prefix(600))")
            }
            #expect(sims["sim-a"]?.server.stats().requestsTotal == 0)
        }
    }

    @Test func aDeclaredLengthOverTheLimitIs413BeforeTheBodyIsSent() async throws {
        try await Harness.withGateway(simulators: Self.sims, maxBodyBytes: 1024, Self.config) { gateway, _ in
            let head = "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(Harness.clientKey)\r\n"
                + "content-type: application/json\r\ncontent-length: 100000\r\n\r\n"
            // Only the head is sent; the answer must not wait for the body.
            let outcome = try await RawConnection.exchange(port: gateway.port, sends: [(.zero, head)], readLimit: .seconds(2))
            #expect(Self.statuses(outcome.text) == [413], "\(outcome.text.prefix(600))")
            #expect(outcome.text.contains(#""code":"request_too_large""#))
        }
    }
}
