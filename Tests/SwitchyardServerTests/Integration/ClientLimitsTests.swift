import AsyncHTTPClient
import Foundation
import SwitchyardCore
import SwitchyardSimulator
import SwitchyardTesting
import Testing

/// The listener's limits against hostile or broken clients (issue #7): oversized heads,
/// malformed HTTP, trickled bodies, half-sent requests, too many requests at once, and many
/// clients leaving mid-request. Each ends cleanly and the gateway keeps serving.
@Suite("Client limits")
struct ClientLimitsTests {
    let http = TestHTTPClient.shared

    static func sim(_ options: SimulatorOptions = SimulatorOptions(protocol: .openai)) -> [String: SimulatorOptions] {
        ["sim-a": options]
    }

    static func config(_ sims: [String: RunningSimulator]) -> ([ProviderConfig], [ModelConfig], [RouteConfig]) {
        guard let sim = sims["sim-a"] else { return ([], [], []) }
        return ([TestConfigs.provider("sim-a", simulator: sim)], [TestConfigs.model("gpt-4o-mini", on: ["sim-a"])], [])
    }

    static func head(port: Int, extraHeaders: String = "", contentLength: Int) -> String {
        "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
            + "Authorization: Bearer \(Harness.clientKey)\r\ncontent-type: application/json\r\n"
            + extraHeaders + "content-length: \(contentLength)\r\n\r\n"
    }

    func assertStillServes(_ gateway: RunningGateway) async throws {
        let ok = try await http.post(
            gateway.baseURL + "/v1/chat/completions", body: Harness.chatBody(model: "gpt-4o-mini"), headers: Harness.auth)
        #expect(ok.status == 200)
    }

    @Test func anOversizedHeadGets431AndTheConnectionCloses() async throws {
        try await Harness.withGateway(simulators: Self.sim(), server: { $0.maxHeaderBytes = 4096 }, Self.config) { gateway, sims in
            let padding = "x-padding: " + String(repeating: "a", count: 8000) + "\r\n"
            let body = Harness.chatBody(model: "gpt-4o-mini")
            let outcome = try await RawConnection.exchange(
                port: gateway.port,
                sends: [(.zero, Self.head(port: gateway.port, extraHeaders: padding, contentLength: body.utf8.count) + body)]
            )
            #expect(outcome.status == 431, "\(outcome.text.prefix(300))")
            #expect(outcome.body.contains(#""code":"request_header_fields_too_large""#))
            #expect(outcome.closedByServer)
            #expect(sims["sim-a"]?.server.stats().requestsTotal == 0)
            // A head just under the limit is served.
            let small = "x-padding: " + String(repeating: "a", count: 2000) + "\r\n"
            let fine = try await RawConnection.exchange(
                port: gateway.port,
                sends: [(.zero, Self.head(port: gateway.port, extraHeaders: small + "connection: close\r\n", contentLength: body.utf8.count) + body)]
            )
            #expect(fine.status == 200, "\(fine.text.prefix(300))")
            try await assertStillServes(gateway)
        }
    }

    @Test func malformedHTTPGets400InTheErrorShape() async throws {
        try await Harness.withGateway(simulators: Self.sim(), Self.config) { gateway, _ in
            let outcome = try await RawConnection.exchange(
                port: gateway.port, sends: [(.zero, "THIS IS NOT HTTP\r\n\r\n")])
            #expect(outcome.status == 400, "\(outcome.text.prefix(300))")
            #expect(outcome.body.contains(#""type":"invalid_request_error""#))
            // Exactly one answer: the server's own bare 400 is not written after ours.
            #expect(outcome.text.components(separatedBy: "HTTP/1.1 ").count == 2, "\(outcome.text)")
            #expect(outcome.closedByServer)
            try await assertStillServes(gateway)
        }
    }

    @Test func aTrickledBodyGets408() async throws {
        try await Harness.withGateway(
            simulators: Self.sim(), server: { $0.clientRequestTimeoutMs = 300 }, Self.config
        ) { gateway, sims in
            let body = Harness.chatBody(model: "gpt-4o-mini")
            // The head and a little of the body, then the rest far too late.
            let outcome = try await RawConnection.exchange(
                port: gateway.port,
                sends: [
                    (.zero, Self.head(port: gateway.port, contentLength: body.utf8.count) + body.prefix(10)),
                    (.seconds(5), String(body.dropFirst(10))),
                ]
            )
            #expect(outcome.status == 408, "\(outcome.text.prefix(300))")
            #expect(outcome.body.contains(#""code":"request_timeout""#))
            #expect(outcome.closedByServer)
            #expect(sims["sim-a"]?.server.stats().requestsTotal == 0)
            try await assertStillServes(gateway)
        }
    }

    @Test func aHalfSentHeadIsClosedAfterTheIdleTimeout() async throws {
        try await Harness.withGateway(
            simulators: Self.sim(), server: { $0.clientIdleTimeoutMs = 300 }, Self.config
        ) { gateway, _ in
            let outcome = try await RawConnection.exchange(
                port: gateway.port,
                sends: [(.zero, "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nx-slow: ")]
            )
            #expect(outcome.closedByServer, "the connection stayed open: \(outcome.text)")
            try await assertStillServes(gateway)
        }
    }

    @Test func requestsBeyondTheConcurrencyCapGet503AndPermitsComeBack() async throws {
        var slow = SimulatorOptions(protocol: .openai)
        slow.chunkCount = 400
        slow.chunkIntervalMs = 25
        try await Harness.withGateway(
            simulators: Self.sim(slow), server: { $0.maxConcurrentRequests = 2 }, Self.config
        ) { gateway, sims in
            // Two long streams hold both permits.
            let streams = try await withThrowingTaskGroup(of: HTTPClientResponse.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        try await http.openStream(
                            gateway.baseURL + "/v1/chat/completions",
                            body: Harness.chatBody(model: "gpt-4o-mini", stream: true, maxTokens: 400),
                            headers: Harness.auth
                        )
                    }
                }
                return try await group.reduce(into: [HTTPClientResponse]()) { $0.append($1) }
            }
            #expect(streams.allSatisfy { $0.status == .ok })
            let refused = try await http.post(
                gateway.baseURL + "/v1/chat/completions", body: Harness.chatBody(model: "gpt-4o-mini"), headers: Harness.auth)
            #expect(refused.status == 503)
            #expect(refused.errorField.code == "overloaded")
            #expect(refused.errorField.type == "service_unavailable")
            #expect(refused.header("retry-after") == "1")
            #expect(refused.header("x-should-retry") == "true")
            // The permits held through the direct route are the router's too (one limiter).
            let refusedByRouter = try await http.post(
                gateway.baseURL + "/v1/chat/completions?via=router", body: Harness.chatBody(model: "gpt-4o-mini"), headers: Harness.auth)
            #expect(refusedByRouter.status == 503)
            #expect(refusedByRouter.errorField.code == "overloaded")
            // Operators still see the gateway while it sheds load.
            let health = try await http.get(gateway.baseURL + "/health/live")
            #expect(health.status == 200)
            // Leaving the streams gives the permits back.
            for stream in streams {
                var iterator = stream.body.makeAsyncIterator()
                _ = try await iterator.next()
            }
            let served = await Harness.eventually(seconds: 10) {
                let reply = try? await http.post(
                    gateway.baseURL + "/v1/chat/completions", body: Harness.chatBody(model: "gpt-4o-mini"), headers: Harness.auth)
                return reply?.status == 200
            }
            #expect(served)
            _ = sims
        }
    }

    @Test func manyClientsLeavingMidRequestCancelTheUpstreamAndLeakNothing() async throws {
        // The upstream would take a minute and the route allows it: only the clients leaving
        // can end these requests within the test.
        var slow = SimulatorOptions(protocol: .openai)
        slow.latencyMs = 60_000
        let clients = 40
        let patient: ([String: RunningSimulator]) -> ([ProviderConfig], [ModelConfig], [RouteConfig]) = { sims in
            var parts = Self.config(sims)
            parts.0 = parts.0.map { var provider = $0; provider.timeoutMs = 120_000; return provider }
            parts.2 = [RouteConfig(name: "patient", slaMs: 90_000, targets: ["gpt-4o-mini"])]
            return parts
        }
        try await Harness.withGateway(
            simulators: Self.sim(slow), server: { $0.maxConcurrentRequests = clients }, patient
        ) { gateway, sims in
            let sim = try #require(sims["sim-a"])
            await withTaskGroup(of: Void.self) { group in
                for index in 0..<clients {
                    group.addTask {
                        let stream = index.isMultiple(of: 2)
                        let body = Harness.chatBody(model: "patient", stream: stream)
                        // Each client (its own connection) gives up long before the upstream
                        // answers, but not before its request is likely forwarded: with the
                        // whole suite running at once, 400 ms once saw none of the 40 arrive.
                        _ = try? await RawConnection.exchange(
                            port: gateway.port,
                            sends: [(.zero, Self.head(port: gateway.port, contentLength: body.utf8.count) + body)],
                            readLimit: .milliseconds(1000)
                        )
                    }
                }
            }
            let upstreamsCancelled = await Harness.eventually(seconds: 10) {
                let stats = sim.server.stats()
                // Whatever reached the upstream was cancelled (a client that left before its
                // request was forwarded costs the upstream nothing at all).
                return stats.inFlight == 0 && stats.requestsTotal > 0 && stats.cancelled == stats.requestsTotal
            }
            #expect(upstreamsCancelled, "simulator stats: \(sim.server.stats())")
            let gaugeBack = await Harness.eventually(seconds: 10) {
                let text = (try? await http.get(gateway.baseURL + "/metrics"))?.body ?? ""
                return text.contains(#"switchyard_in_flight_requests{provider="sim-a"} 0"#)
            }
            #expect(gaugeBack)
            // Every permit came back: the full cap can be used again at once.
            sim.server.update { $0.latencyMs = 0 }
            let replies = await withTaskGroup(of: String.self) { group in
                for _ in 0..<clients {
                    group.addTask {
                        let reply = try? await http.post(
                            gateway.baseURL + "/v1/chat/completions", body: Harness.chatBody(model: "patient"),
                            headers: Harness.auth)
                        return "\(reply?.status ?? 0) \(reply?.errorField.code ?? "")"
                    }
                }
                return await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(replies.filter { $0.hasPrefix("200") }.count == clients, "\(replies)")
        }
    }
}
