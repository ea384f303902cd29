import Foundation
import NIOCore
import SwitchyardCore
import SwitchyardSimulator
import SwitchyardTesting
import Testing

/// The request path end to end: gateway in front of simulated OpenAI-protocol providers.
@Suite("Chat completions through the gateway")
struct ChatCompletionsTests {
    let http = TestHTTPClient.shared

    static func single(_ options: SimulatorOptions = SimulatorOptions(protocol: .openai)) -> [String: SimulatorOptions] {
        ["sim-a": options]
    }

    static func singleConfig(_ sims: [String: RunningSimulator]) -> ([ProviderConfig], [ModelConfig], [RouteConfig]) {
        guard let sim = sims["sim-a"] else { return ([], [], []) }
        return ([TestConfigs.provider("sim-a", simulator: sim)], [TestConfigs.model("gpt-4o-mini", on: ["sim-a"])], [])
    }

    @Test func nonStreamingAnswerPassesThroughWithHeaders() async throws {
        try await Harness.withGateway(simulators: Self.single(), Self.singleConfig) { gateway, sims in
            let reply = try await http.post(
                gateway.baseURL + "/v1/chat/completions",
                body: Harness.chatBody(model: "gpt-4o-mini"),
                headers: Harness.auth.merging(["x-request-id": "my-id-42"]) { a, _ in a }
            )
            #expect(reply.status == 200)
            #expect(reply.json["object"] as? String == "chat.completion")
            let choices = try #require(reply.json["choices"] as? [[String: Any]])
            let message = try #require(choices.first?["message"] as? [String: Any])
            #expect((message["content"] as? String)?.contains("sim-a") == true)
            #expect(reply.header("x-request-id") == "my-id-42")
            #expect(reply.header("x-switchyard-provider") == "sim-a")
            #expect(reply.header("x-switchyard-model") == "gpt-4o-mini")
            #expect(reply.header("x-switchyard-route") == "gpt-4o-mini")
            #expect(reply.header("x-switchyard-attempts") == "1")
            // gpt-4o-mini is in the catalog: the usage is priced.
            #expect(reply.header("x-switchyard-cost-usd").flatMap(Double.init).map { $0 > 0 } == true)
            let overhead = try #require(reply.header("x-switchyard-overhead-ms").flatMap(Double.init))
            #expect(overhead >= 0)
            #expect(sims["sim-a"]?.server.stats().lastRequestHadAuthorization == true)
        }
    }

    @Test func directProviderModelIsSentToThatProvider() async throws {
        try await Harness.withGateway(simulators: Self.single(), Self.singleConfig) { gateway, _ in
            let reply = try await http.post(
                gateway.baseURL + "/v1/chat/completions",
                body: Harness.chatBody(model: "sim-a/some-upstream-model"),
                headers: Harness.auth
            )
            #expect(reply.status == 200)
            #expect(reply.header("x-switchyard-model") == "some-upstream-model")
            #expect(reply.json["model"] as? String == "some-upstream-model")
        }
    }

    @Test func unknownFieldsSurviveThePassThrough() async throws {
        // The simulator echoes the model it received; a body it cannot parse would 400.
        try await Harness.withGateway(simulators: Self.single(), Self.singleConfig) { gateway, _ in
            let body = #"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}],"x_vendor":{"model":"keep"},"metadata":{"a":"b"}}"#
            let reply = try await http.post(gateway.baseURL + "/v1/chat/completions", body: body, headers: Harness.auth)
            #expect(reply.status == 200)
            #expect(reply.json["model"] as? String == "gpt-4o-mini")
        }
    }

    @Test func streamArrivesIncrementallyAndEndsWithDone() async throws {
        var options = SimulatorOptions(protocol: .openai)
        options.chunkCount = 10
        options.chunkIntervalMs = 80
        try await Harness.withGateway(simulators: Self.single(options), Self.singleConfig) { gateway, sims in
            let sim = try #require(sims["sim-a"])
            let response = try await http.openStream(
                gateway.baseURL + "/v1/chat/completions",
                body: Harness.chatBody(model: "gpt-4o-mini", stream: true, includeUsage: true, maxTokens: 10),
                headers: Harness.auth
            )
            #expect(response.status.code == 200)
            #expect(response.headers.first(name: "content-type") == "text/event-stream")
            #expect(response.headers.first(name: "x-switchyard-provider") == "sim-a")
            var text = ""
            var sawFirstContentWhileUpstreamStillStreaming = false
            for try await buffer in response.body {
                text += String(buffer: buffer)
                if !sawFirstContentWhileUpstreamStillStreaming, text.contains(#""content":"Hello"#) {
                    // The simulator has not finished its stream: the gateway did not buffer it.
                    sawFirstContentWhileUpstreamStillStreaming = sim.server.stats().completed == 0
                }
            }
            #expect(sawFirstContentWhileUpstreamStillStreaming)
            let events = SSEText.dataLines(text)
            #expect(events.last == "[DONE]")
            let usageEvents = events.filter { $0.contains(#""choices":[]"#) && $0.contains(#""usage":{"#) }
            #expect(usageEvents.count == 1)
        }
    }

    @Test func usageChunkIsDroppedWhenTheClientDidNotAskForIt() async throws {
        try await Harness.withGateway(simulators: Self.single(), Self.singleConfig) { gateway, _ in
            let reply = try await http.post(
                gateway.baseURL + "/v1/chat/completions",
                body: Harness.chatBody(model: "gpt-4o-mini", stream: true),
                headers: Harness.auth
            )
            let events = SSEText.dataLines(reply.body)
            #expect(events.count > 2)
            #expect(events.last == "[DONE]")
            #expect(!events.contains { $0.contains(#""choices":[]"#) })
        }
    }

    /// A simulator streaming `chunks` chunks `everyMs` apart.
    static func stream(chunks: Int, everyMs: Int) -> SimulatorOptions {
        var options = SimulatorOptions(protocol: .openai)
        options.chunkCount = chunks
        options.chunkIntervalMs = everyMs
        return options
    }

    /// Opens a chat stream through `gateway`, reads `afterParts` parts of its body and
    /// leaves: dropping the body mid-stream closes the connection.
    func openStreamAndLeave(_ gateway: RunningGateway, maxTokens: Int, afterParts: Int) async throws {
        let response = try await http.openStream(
            gateway.baseURL + "/v1/chat/completions",
            body: Harness.chatBody(model: "gpt-4o-mini", stream: true, maxTokens: maxTokens),
            headers: Harness.auth
        )
        var iterator = response.body.makeAsyncIterator()
        for _ in 0..<afterParts {
            _ = try await iterator.next()
        }
    }

    @Test func clientDisconnectMidStreamCancelsTheUpstream() async throws {
        try await Harness.withGateway(simulators: Self.single(Self.stream(chunks: 200, everyMs: 50)), Self.singleConfig) { gateway, sims in
            let sim = try #require(sims["sim-a"])
            try await openStreamAndLeave(gateway, maxTokens: 200, afterParts: 2)
            let upstreamCancelled = await Harness.eventually(seconds: 8) {
                let stats = sim.server.stats()
                return stats.inFlight == 0 && stats.cancelled >= 1
            }
            #expect(upstreamCancelled, "simulator stats: \(sim.server.stats())")
        }
    }

    /// A client that leaves while the upstream is quiet ends its request at once (counted,
    /// its upstream connection closed), not at the upstream's next event, 20 s later: no
    /// write to the client would find it gone before then. (The simulator itself notices
    /// only at that next write, so the gateway's own count tells.)
    @Test func clientLeavingWhileTheUpstreamIsQuietEndsTheRequestAtOnce() async throws {
        try await Harness.withGateway(simulators: Self.single(Self.stream(chunks: 3, everyMs: 20_000)), Self.singleConfig) { gateway, _ in
            // Leave while the upstream is quiet.
            try await openStreamAndLeave(gateway, maxTokens: 3, afterParts: 1)
            let ended = await Harness.eventually(seconds: 8) {
                guard let scrape = try? await http.get(gateway.baseURL + "/metrics") else { return false }
                return PrometheusText(scrape.body).value("switchyard_requests_total", ["status": "200"]) == 1
            }
            #expect(ended, "the request was not over before the upstream's next event")
        }
    }

    /// A client that closes its side mid-stream is taken as gone (as nginx and Go do): the
    /// gateway stops relaying and closes the connection, without the chunked end that would
    /// pass the cut stream off as whole, and does not wait for the upstream's next event.
    @Test func clientClosingItsSideMidStreamGetsTheConnectionClosedWithoutAnEnd() async throws {
        try await Harness.withGateway(simulators: Self.single(Self.stream(chunks: 3, everyMs: 20_000)), Self.singleConfig) { gateway, _ in
            let body = Harness.chatBody(model: "gpt-4o-mini", stream: true, maxTokens: 3)
            let auth = Harness.auth.map { "\($0.key): \($0.value)\r\n" }.joined()
            let request = "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\(auth)Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
            let outcome = try await RawConnection.exchange(
                port: gateway.port, sends: [(.zero, request), (.seconds(2), "")], readLimit: .seconds(10), closeOutputAfterSends: true
            )
            #expect(outcome.status == 200)
            #expect(outcome.text.contains("data: {"), "the first event was relayed: \(outcome.text)")
            #expect(outcome.closedByServer, "the connection stayed open: \(outcome.text)")
            #expect(!outcome.text.hasSuffix("0\r\n\r\n"))
            #expect(!outcome.text.contains("[DONE]"))
        }
    }

    @Test func embeddingsAndModels() async throws {
        try await Harness.withGateway(simulators: Self.single(), { sims in
            guard let sim = sims["sim-a"] else { return ([], [], []) }
            return (
                [TestConfigs.provider("sim-a", simulator: sim)],
                [
                    TestConfigs.model("gpt-4o-mini", on: ["sim-a"]),
                    TestConfigs.model("text-embedding-3-small", on: ["sim-a"], upstream: "text-embedding-3-small"),
                ],
                [RouteConfig(name: "bot", targets: ["gpt-4o-mini"])]
            )
        }) { gateway, _ in
            let embedding = try await http.post(
                gateway.baseURL + "/v1/embeddings",
                body: #"{"model":"text-embedding-3-small","input":["a","b"]}"#,
                headers: Harness.auth
            )
            #expect(embedding.status == 200)
            #expect((embedding.json["data"] as? [Any])?.count == 2)

            let models = try await http.get(gateway.baseURL + "/v1/models", headers: Harness.auth)
            #expect(models.status == 200)
            let ids = (models.json["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
            #expect(ids == ["bot", "gpt-4o-mini", "text-embedding-3-small"])

            let live = try await http.get(gateway.baseURL + "/health/live")
            #expect(live.status == 200)
        }
    }
}
