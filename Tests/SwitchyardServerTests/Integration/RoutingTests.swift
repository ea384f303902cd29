import Foundation
import SwitchyardCore
import SwitchyardSimulator
import SwitchyardTesting
import Testing

/// The latency-aware routing core end to end (SPEC §4): convergence on the fastest
/// deployment, failover, hedging, probes, and `/health` explaining it.
@Suite("Latency-aware routing", .serialized)
struct RoutingTests {
    let http = TestHTTPClient.shared

    static func sim(latencyMs: Int = 0, errorRate: Double = 0, errorStatus: Int = 500) -> SimulatorOptions {
        var options = SimulatorOptions(protocol: .openai)
        options.latencyMs = latencyMs
        options.errorRate = errorRate
        options.errorStatus = errorStatus
        return options
    }

    static func route(_ names: [String], strategy: RoutingStrategy = .latency, slaMs: Int = 2_000, hedge: HedgeConfig? = nil) -> RouteConfig {
        RouteConfig(name: "bot", strategy: strategy, slaMs: slaMs, targets: names.map { "m-\($0)" }, hedge: hedge)
    }

    static func models(_ names: [String]) -> [ModelConfig] {
        names.map { TestConfigs.model("m-\($0)", on: [$0]) }
    }

    /// Sends `count` requests one after another and counts who served them.
    func drive(_ gateway: RunningGateway, count: Int, model: String = "bot", stream: Bool = false) async throws -> [String: Int] {
        var served: [String: Int] = [:]
        for _ in 0..<count {
            let reply = try await http.post(gateway.baseURL + "/v1/chat/completions", body: Harness.chatBody(model: model, stream: stream), headers: Harness.auth)
            #expect(reply.status == 200, "body: \(reply.body)")
            served[reply.header("x-switchyard-provider") ?? "none", default: 0] += 1
        }
        return served
    }

    @Test func trafficConvergesOnTheFastDeploymentAndMovesWhenItSlows() async throws {
        let names = ["fast", "slow"]
        try await Harness.withGateway(
            simulators: ["fast": Self.sim(latencyMs: 10), "slow": Self.sim(latencyMs: 700)],
            // Probes on, as in production: they refresh the estimate of a deployment that gets
            // no traffic (one slow sample on a loaded machine would otherwise stick to it).
            { sims in
                // An SLA well above both latencies: this test is about where traffic goes, and
                // under a sanitizer on a loaded 2-core machine a 1.2 s answer has taken over 2 s.
                (names.compactMap { n in sims[n].map { TestConfigs.provider(n, simulator: $0, probeIntervalMs: 200) } }, Self.models(names),
                 [Self.route(names, slaMs: 5_000)])
            }
        ) { gateway, sims in
            _ = try await drive(gateway, count: 6)  // explore both
            let settled = try await drive(gateway, count: 20)
            #expect((settled["fast"] ?? 0) >= 14, "served: \(settled)")

            // The fast one becomes the slow one. (Wide gaps: a loaded 2-core CI machine adds
            // its own scheduling delays to every sample.)
            sims["fast"]?.server.update { $0.latencyMs = 1_200 }
            sims["slow"]?.server.update { $0.latencyMs = 10 }
            _ = try await drive(gateway, count: 8)
            let moved = try await drive(gateway, count: 20)
            #expect((moved["slow"] ?? 0) >= 14, "served: \(moved)")
        }
    }

    @Test func onlyRateLimitedThenServedByTheOtherWithTwoAttempts() async throws {
        let names = ["limited", "ok"]
        try await Harness.withGateway(
            simulators: ["limited": Self.sim(errorRate: 1, errorStatus: 429), "ok": Self.sim()],
            { sims in (names.compactMap { n in sims[n].map { TestConfigs.provider(n, simulator: $0) } }, Self.models(names), [Self.route(names, strategy: .priority)]) }
        ) { gateway, _ in
            let reply = try await http.post(gateway.baseURL + "/v1/chat/completions", body: Harness.chatBody(model: "bot"), headers: Harness.auth)
            #expect(reply.status == 200)
            #expect(reply.header("x-switchyard-provider") == "ok")
            #expect(reply.header("x-switchyard-attempts") == "2")
            // With retry-after the limited deployment's breaker is open: the next request goes straight to "ok".
            let next = try await http.post(gateway.baseURL + "/v1/chat/completions", body: Harness.chatBody(model: "bot"), headers: Harness.auth)
            #expect(next.header("x-switchyard-attempts") == "1")
        }
    }

    @Test func streamCutAfterTheFirstByteEndsWithAnSSEErrorEvent() async throws {
        var cutting = SimulatorOptions(protocol: .openai)
        cutting.cutStreamAfterChunks = 3
        cutting.chunkCount = 10
        try await Harness.withGateway(
            simulators: ["cut": cutting],
            { sims in (sims["cut"].map { [TestConfigs.provider("cut", simulator: $0)] } ?? [], Self.models(["cut"]), []) }
        ) { gateway, _ in
            let reply = try await http.post(gateway.baseURL + "/v1/chat/completions", body: Harness.chatBody(model: "m-cut", stream: true), headers: Harness.auth)
            #expect(reply.status == 200)
            let events = SSEText.dataLines(reply.body)
            #expect(events.last?.contains(#""code":"stream_interrupted""#) == true, "events: \(events)")
            #expect(!events.contains("[DONE]"))
        }
    }

    @Test func stalledStreamEndsAfterTheIdleTimeout() async throws {
        var slowChunks = SimulatorOptions(protocol: .openai)
        slowChunks.chunkCount = 4
        slowChunks.chunkIntervalMs = 3_000
        try await Harness.withGateway(
            simulators: ["stall": slowChunks],
            { sims in
                var route = RouteConfig(name: "bot", targets: ["m-stall"])
                route.streamIdleTimeoutMs = 300
                return (sims["stall"].map { [TestConfigs.provider("stall", simulator: $0)] } ?? [], Self.models(["stall"]), [route])
            }
        ) { gateway, _ in
            let reply = try await http.post(gateway.baseURL + "/v1/chat/completions", body: Harness.chatBody(model: "bot", stream: true), headers: Harness.auth)
            let events = SSEText.dataLines(reply.body)
            #expect(events.last?.contains("stalled") == true, "events: \(events)")
        }
    }

    @Test func hedgeAnswersFromTheSecondDeploymentWhileTheFirstIsSlow() async throws {
        let names = ["sluggish", "quick"]
        try await Harness.withGateway(
            simulators: ["sluggish": Self.sim(latencyMs: 5_000), "quick": Self.sim(latencyMs: 30)],
            { sims in
                (names.compactMap { n in sims[n].map { TestConfigs.provider(n, simulator: $0) } }, Self.models(names),
                 [Self.route(names, strategy: .priority, slaMs: 8_000, hedge: .afterMs(100))])
            }
        ) { gateway, sims in
            let started = ContinuousClock.now
            let reply = try await http.post(gateway.baseURL + "/v1/chat/completions", body: Harness.chatBody(model: "bot"), headers: Harness.auth)
            let elapsed = ContinuousClock.now - started
            #expect(reply.status == 200)
            #expect(reply.header("x-switchyard-provider") == "quick")
            #expect(elapsed < .seconds(4), "the hedge must answer long before the first deployment's 5 s")
            // The loser was cancelled: its request does not stay in flight.
            let loserCancelled = await Harness.eventually { sims["sluggish"]?.server.stats().inFlight == 0 }
            #expect(loserCancelled)
        }
    }

    @Test func aProviderGoingDownIsTakenOutByProbesAloneAndComesBack() async throws {
        let names = ["flappy", "steady"]
        try await Harness.withGateway(
            simulators: ["flappy": Self.sim(latencyMs: 5), "steady": Self.sim(latencyMs: 60)],
            health: TestConfigs.fastBreakers(openMs: 300, failureThreshold: 3),
            { sims in
                (names.compactMap { n in sims[n].map { TestConfigs.provider(n, simulator: $0, probeIntervalMs: 50) } }, Self.models(names),
                 [Self.route(names)])
            }
        ) { gateway, sims in
            let flappy = try #require(sims["flappy"])
            flappy.server.update { $0.errorRate = 1; $0.errorStatus = 503 }
            let down = await Harness.eventually(seconds: 10) {
                let health = try? await http.get(gateway.baseURL + "/health")
                let providers = health?.json["providers"] as? [[String: Any]] ?? []
                return providers.first { $0["name"] as? String == "flappy" }?["healthy"] as? Bool == false
            }
            #expect(down, "probes should mark flappy unhealthy")
            // No client request was needed to notice, and none is sent there now.
            let served = try await drive(gateway, count: 8)
            #expect(served["flappy"] == nil, "served: \(served)")
            let health = try await http.get(gateway.baseURL + "/health")
            #expect(health.status == 200)
            #expect(health.json["status"] as? String == "degraded")

            flappy.server.update { $0.errorRate = 0 }
            let back = await Harness.eventually(seconds: 10) {
                let health = try? await http.get(gateway.baseURL + "/health")
                let providers = health?.json["providers"] as? [[String: Any]] ?? []
                return providers.first { $0["name"] as? String == "flappy" }?["circuit"] as? String == "closed"
                    && (health?.json["status"] as? String) == "ok"
            }
            #expect(back, "flappy should recover once its probes succeed")
        }
    }

    @Test func aRecoveredProviderIsReadmittedByItsProbeBeforeALongCoolDownEnds() async throws {
        let names = ["flappy", "steady"]
        // A cool-down far longer than the test waits: only a probe can end it.
        try await Harness.withGateway(
            simulators: ["flappy": Self.sim(latencyMs: 5), "steady": Self.sim(latencyMs: 60)],
            health: TestConfigs.fastBreakers(openMs: 600_000, failureThreshold: 3),
            { sims in
                (names.compactMap { n in sims[n].map { TestConfigs.provider(n, simulator: $0, probeIntervalMs: 50) } }, Self.models(names),
                 [Self.route(names)])
            }
        ) { gateway, sims in
            let flappy = try #require(sims["flappy"])
            func circuit() async -> String? {
                let health = try? await http.get(gateway.baseURL + "/health")
                let providers = health?.json["providers"] as? [[String: Any]] ?? []
                return providers.first { $0["name"] as? String == "flappy" }?["circuit"] as? String
            }
            flappy.server.update { $0.errorRate = 1; $0.errorStatus = 503 }
            let opened = await Harness.eventually(seconds: 10) { await circuit() == "open" }
            #expect(opened, "probes should open flappy's circuit")

            flappy.server.update { $0.errorRate = 0 }
            let closed = await Harness.eventually(seconds: 10) { await circuit() == "closed" }
            #expect(closed, "a successful probe should end the cool-down and its trial close the circuit")
            let served = try await drive(gateway, count: 8)
            #expect(served["flappy"] != nil, "served: \(served)")
        }
    }

    @Test func withOneFailingAndOneSlowEveryRequestIsServedWithinTheSLAByTheFastest() async throws {
        let names = ["failing", "slow", "fast"]
        try await Harness.withGateway(
            simulators: ["failing": Self.sim(errorRate: 1, errorStatus: 500), "slow": Self.sim(latencyMs: 1_000), "fast": Self.sim(latencyMs: 20)],
            health: TestConfigs.fastBreakers(openMs: 5_000, failureThreshold: 3),
            { sims in
                (names.compactMap { n in sims[n].map { TestConfigs.provider(n, simulator: $0, probeIntervalMs: 100) } }, Self.models(names),
                 [Self.route(names, slaMs: 2_000)])
            }
        ) { gateway, _ in
            var served: [String: Int] = [:]
            for _ in 0..<30 {
                let started = ContinuousClock.now
                let reply = try await http.post(gateway.baseURL + "/v1/chat/completions", body: Harness.chatBody(model: "bot"), headers: Harness.auth)
                #expect(reply.status == 200)
                #expect(ContinuousClock.now - started < .milliseconds(2_500), "answered within the SLA (plus loopback slack)")
                served[reply.header("x-switchyard-provider") ?? "none", default: 0] += 1
            }
            #expect(served["failing"] == nil)
            #expect((served["fast"] ?? 0) >= 22, "served: \(served)")
            let health = try await http.get(gateway.baseURL + "/health")
            let providers = health.json["providers"] as? [[String: Any]] ?? []
            #expect(providers.first { $0["name"] as? String == "failing" }?["healthy"] as? Bool == false)
            #expect(health.json["status"] as? String == "degraded")
            let ready = try await http.get(gateway.baseURL + "/health/ready")
            #expect(ready.status == 200)
        }
    }
}
