import Foundation
import SwitchyardCore
import SwitchyardSimulator
import SwitchyardTesting
import Testing

/// Every error row of SPEC §3 the request path produces, in the OpenAI error shape, and the
/// process keeps serving after each.
@Suite("Error responses")
struct ErrorResponsesTests {
    let http = TestHTTPClient.shared

    static func okSim() -> [String: SimulatorOptions] { ["sim-a": SimulatorOptions(protocol: .openai)] }

    static func config(_ sims: [String: RunningSimulator]) -> ([ProviderConfig], [ModelConfig], [RouteConfig]) {
        guard let sim = sims["sim-a"] else { return ([], [], []) }
        return ([TestConfigs.provider("sim-a", simulator: sim)], [TestConfigs.model("gpt-4o-mini", on: ["sim-a"])], [])
    }

    @Test func malformedInputGetsA400AndTheGatewayKeepsServing() async throws {
        let bodies: [(String, String?)] = [
            ("{not json", nil),
            ("", nil),
            ("[]", nil),
            (#"{"messages":[{"role":"user","content":"x"}]}"#, "model"),
            (#"{"model":"gpt-4o-mini"}"#, "messages"),
            (#"{"model":"gpt-4o-mini","messages":"x"}"#, "messages"),
            (#"{"model":"gpt-4o-mini","messages":[]}"#, "messages"),
            (#"{"model":"gpt-4o-mini","messages":[{"role":"user","content":5}]}"#, "messages[0].content"),
            (#"{"model":"gpt-4o-mini","messages":[{"role":"wizard","content":"x"}]}"#, "messages[0].role"),
            (#"{"model":42,"messages":[{"role":"user","content":"x"}]}"#, "model"),
            (#"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}],"stream":"yes"}"#, "stream"),
            (#"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}],"temperature":"hot"}"#, "temperature"),
        ]
        try await Harness.withGateway(simulators: Self.okSim(), Self.config) { gateway, sims in
            for (body, param) in bodies {
                let reply = try await http.post(gateway.baseURL + "/v1/chat/completions", body: body, headers: Harness.auth)
                #expect(reply.status == 400, "body: \(body)")
                #expect(reply.errorField.type == "invalid_request_error", "body: \(body)")
                if let param {
                    #expect((reply.json["error"] as? [String: Any])?["param"] as? String == param, "body: \(body)")
                }
            }
            #expect(sims["sim-a"]?.server.stats().requestsTotal == 0)
            let ok = try await http.post(gateway.baseURL + "/v1/chat/completions", body: Harness.chatBody(model: "gpt-4o-mini"), headers: Harness.auth)
            #expect(ok.status == 200)
        }
    }

    @Test func missingOrWrongKeyIs401BeforeAnyUpstream() async throws {
        try await Harness.withGateway(simulators: Self.okSim(), Self.config) { gateway, sims in
            // The exact path takes the direct route (`DirectRoutes`); with a query it takes the router's.
            for path in ["/v1/chat/completions", "/v1/chat/completions?via=router"] {
                for headers in [[:], ["authorization": "Bearer nope"], ["authorization": "Basic abc"], ["authorization": "Bearer "]] {
                    let reply = try await http.post(gateway.baseURL + path, body: Harness.chatBody(model: "gpt-4o-mini"), headers: headers)
                    #expect(reply.status == 401, "\(path)")
                    #expect(reply.errorField.code == "invalid_api_key")
                    #expect(reply.errorField.type == "authentication_error")
                }
            }
            let models = try await http.get(gateway.baseURL + "/v1/models")
            #expect(models.status == 401)
            #expect(sims["sim-a"]?.server.stats().requestsTotal == 0)
            // Health needs no key.
            #expect(try await http.get(gateway.baseURL + "/health/live").status == 200)
        }
    }

    @Test func bodyOverTheLimitIs413() async throws {
        try await Harness.withGateway(simulators: Self.okSim(), maxBodyBytes: 1024, Self.config) { gateway, sims in
            let big = #"{"model":"gpt-4o-mini","messages":[{"role":"user","content":""# + String(repeating: "x", count: 4096) + #""}]}"#
            let reply = try await http.post(gateway.baseURL + "/v1/chat/completions", body: big, headers: Harness.auth)
            #expect(reply.status == 413)
            #expect(reply.errorField.code == "request_too_large")
            #expect(sims["sim-a"]?.server.stats().requestsTotal == 0)
        }
    }

    @Test func unknownModelIs404() async throws {
        try await Harness.withGateway(simulators: Self.okSim(), Self.config) { gateway, _ in
            for model in ["gpt-9", "unknown-provider/gpt-4o"] {
                let reply = try await http.post(gateway.baseURL + "/v1/chat/completions", body: Harness.chatBody(model: model), headers: Harness.auth)
                #expect(reply.status == 404)
                #expect(reply.errorField.code == "model_not_found")
            }
        }
    }

    @Test func upstream400IsPassedThroughAndNotRetried() async throws {
        var bad = SimulatorOptions(protocol: .openai)
        bad.errorRate = 1
        bad.errorStatus = 400
        try await Harness.withGateway(simulators: ["sim-bad": bad, "sim-a": SimulatorOptions(protocol: .openai)], { sims in
            guard let badSim = sims["sim-bad"], let good = sims["sim-a"] else { return ([], [], []) }
            return (
                [TestConfigs.provider("sim-bad", simulator: badSim), TestConfigs.provider("sim-a", simulator: good)],
                [TestConfigs.model("m", on: ["sim-bad", "sim-a"])],
                [RouteConfig(name: "r", strategy: .priority, targets: ["m"])]
            )
        }) { gateway, sims in
            let reply = try await http.post(gateway.baseURL + "/v1/chat/completions", body: Harness.chatBody(model: "r"), headers: Harness.auth)
            #expect(reply.status == 400)
            #expect(reply.errorField.type == "invalid_request_error")
            #expect(sims["sim-a"]?.server.stats().requestsTotal == 0)
        }
    }

    @Test func everyDeploymentRateLimitedIs429WithRetryAfter() async throws {
        var limited = SimulatorOptions(protocol: .openai)
        limited.errorRate = 1
        limited.errorStatus = 429
        try await Harness.withGateway(simulators: ["sim-x": limited, "sim-y": limited], { sims in
            guard let x = sims["sim-x"], let y = sims["sim-y"] else { return ([], [], []) }
            return (
                [TestConfigs.provider("sim-x", simulator: x), TestConfigs.provider("sim-y", simulator: y)],
                [TestConfigs.model("m", on: ["sim-x", "sim-y"])],
                []
            )
        }) { gateway, _ in
            let reply = try await http.post(gateway.baseURL + "/v1/chat/completions", body: Harness.chatBody(model: "m"), headers: Harness.auth)
            #expect(reply.status == 429)
            #expect(reply.errorField.type == "rate_limit_error")
            #expect(reply.header("retry-after").flatMap(Int.init).map { $0 >= 1 } == true)
        }
    }

    @Test func everyDeploymentFailingIs502ListingAttempts() async throws {
        var failing = SimulatorOptions(protocol: .openai)
        failing.errorRate = 1
        failing.errorStatus = 500
        try await Harness.withGateway(simulators: ["sim-x": failing], { sims in
            guard let x = sims["sim-x"] else { return ([], [], []) }
            return (
                [TestConfigs.provider("sim-x", simulator: x), TestConfigs.deadProvider("dead")],
                [TestConfigs.model("m", on: ["sim-x", "dead"])],
                [RouteConfig(name: "r", strategy: .priority, targets: ["m"], maxAttempts: 2)]
            )
        }) { gateway, _ in
            let reply = try await http.post(gateway.baseURL + "/v1/chat/completions", body: Harness.chatBody(model: "r"), headers: Harness.auth)
            #expect(reply.status == 502)
            #expect(reply.errorField.type == "upstream_error")
            let message = reply.errorField.message ?? ""
            #expect(message.contains("sim-x (500)"))
            #expect(message.contains("dead (connect)"))
            #expect(!message.contains("sim-key") && !message.contains("dead-key"))
        }
    }

    @Test func slaRunningOutIs504AtTheDeadline() async throws {
        var hanging = SimulatorOptions(protocol: .openai)
        hanging.hang = true
        try await Harness.withGateway(simulators: ["sim-h": hanging], { sims in
            guard let h = sims["sim-h"] else { return ([], [], []) }
            return (
                [TestConfigs.provider("sim-h", simulator: h)],
                [TestConfigs.model("m", on: ["sim-h"])],
                [RouteConfig(name: "r", slaMs: 400, targets: ["m"])]
            )
        }) { gateway, _ in
            let reply = try await http.post(gateway.baseURL + "/v1/chat/completions", body: Harness.chatBody(model: "r"), headers: Harness.auth)
            #expect(reply.status == 504)
            #expect(reply.errorField.code == "sla_exceeded")
            let streamed = try await http.post(
                gateway.baseURL + "/v1/chat/completions",
                body: Harness.chatBody(model: "m", stream: true),
                headers: Harness.auth.merging(["x-switchyard-sla-ms": "300"]) { a, _ in a }
            )
            #expect(streamed.status == 504)
        }
    }

    @Test func noUsableDeploymentIs503() async throws {
        try await Harness.withGateway(simulators: Self.okSim(), { sims in
            guard let sim = sims["sim-a"] else { return ([], [], []) }
            var disabled = TestConfigs.provider("off", simulator: sim)
            disabled.enabled = false
            return (
                [TestConfigs.provider("sim-a", simulator: sim), disabled],
                [TestConfigs.model("m", on: ["off"])],
                []
            )
        }) { gateway, _ in
            let reply = try await http.post(gateway.baseURL + "/v1/chat/completions", body: Harness.chatBody(model: "m"), headers: Harness.auth)
            #expect(reply.status == 503)
            #expect(reply.errorField.code == "no_healthy_provider")
        }
    }

    @Test func failoverAfterA500ServesFromTheNextDeployment() async throws {
        var failing = SimulatorOptions(protocol: .openai)
        failing.errorRate = 1
        failing.errorStatus = 503
        try await Harness.withGateway(simulators: ["sim-x": failing, "sim-a": SimulatorOptions(protocol: .openai)], { sims in
            guard let x = sims["sim-x"], let a = sims["sim-a"] else { return ([], [], []) }
            return (
                [TestConfigs.provider("sim-x", simulator: x), TestConfigs.provider("sim-a", simulator: a)],
                [TestConfigs.model("bad", on: ["sim-x"]), TestConfigs.model("good", on: ["sim-a"])],
                [RouteConfig(name: "r", strategy: .priority, targets: ["bad", "good"])]
            )
        }) { gateway, _ in
            for stream in [false, true] {
                let reply = try await http.post(gateway.baseURL + "/v1/chat/completions", body: Harness.chatBody(model: "r", stream: stream), headers: Harness.auth)
                #expect(reply.status == 200)
                #expect(reply.header("x-switchyard-provider") == "sim-a")
                #expect(reply.header("x-switchyard-attempts") == "2")
            }
        }
    }

    @Test func unknownPathsAndMethodsUseTheErrorShape() async throws {
        try await Harness.withGateway(simulators: Self.okSim(), Self.config) { gateway, _ in
            let reply = try await http.get(gateway.baseURL + "/v1/unknown", headers: Harness.auth)
            #expect(reply.status == 404)
            #expect(reply.errorField.type == "invalid_request_error")
        }
    }
}
