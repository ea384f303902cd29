import Foundation
import Logging
import SwitchyardCore
import SwitchyardServer
import SwitchyardSimulator
import SwitchyardTesting
import Synchronization
import Testing

/// `/metrics` (SPEC §5) after real traffic: every name with its type, counters moved by
/// the right amounts, accepted by `promtool check metrics` and by the Python
/// `prometheus_client` parser; and no configured secret anywhere an operator looks.
@Suite("Metrics and logs")
struct MetricsTests {
    let http = TestHTTPClient.shared

    /// SPEC §5's names and types, written out: the contract, not the implementation's list.
    static let spec: [(name: String, type: String)] = [
        ("switchyard_requests_total", "counter"),
        ("switchyard_request_duration_seconds", "histogram"),
        ("switchyard_ttft_seconds", "histogram"),
        ("switchyard_upstream_attempts_total", "counter"),
        ("switchyard_fallbacks_total", "counter"),
        ("switchyard_hedges_total", "counter"),
        ("switchyard_provider_healthy", "gauge"),
        ("switchyard_provider_latency_seconds", "gauge"),
        ("switchyard_provider_error_rate", "gauge"),
        ("switchyard_in_flight_requests", "gauge"),
        ("switchyard_tokens_total", "counter"),
        ("switchyard_spend_usd_total", "counter"),
        ("switchyard_probe_total", "counter"),
    ]

    static let clientKey = "sy-client-SECRET-5f1c9e"
    static let providerKeys = [
        "good": "sk-good-SECRET-a81d", "bad": "sk-bad-SECRET-77c0", "slow": "sk-slow-SECRET-3b2e",
        "quick": "sk-quick-SECRET-d4f6",
    ]
    static var auth: [String: String] { ["authorization": "Bearer \(clientKey)"] }

    static func sim(latencyMs: Int = 5, errorRate: Double = 0) -> SimulatorOptions {
        var options = SimulatorOptions(protocol: .openai)
        options.latencyMs = latencyMs
        options.errorRate = errorRate
        options.errorStatus = 500
        return options
    }

    /// Four providers: a good one (probed), one that always fails, a slow and a quick one
    /// for hedging; routes for failover and hedging.
    static func withTrafficGateway(
        logger: Logger? = nil,
        logBodies: Bool = false,
        _ body: (RunningGateway) async throws -> Void
    ) async throws {
        try await Harness.withGateway(
            simulators: [
                "good": sim(), "bad": sim(errorRate: 1), "slow": sim(latencyMs: 3_000), "quick": sim(latencyMs: 20),
            ],
            apiKeys: [clientKey],
            logger: logger,
            logBodies: logBodies,
            { sims in
                let names = ["good", "bad", "slow", "quick"]
                let providers = names.compactMap { name in
                    sims[name].map {
                        TestConfigs.provider(
                            name,
                            simulator: $0,
                            apiKey: providerKeys[name] ?? "",
                            probeIntervalMs: name == "good" ? 100 : nil
                        )
                    }
                }
                return (
                    providers,
                    names.map { TestConfigs.model("m-\($0)", on: [$0]) },
                    [
                        RouteConfig(name: "failover", strategy: .priority, targets: ["m-bad", "m-good"]),
                        RouteConfig(
                            name: "hedged",
                            strategy: .priority,
                            slaMs: 8_000,
                            targets: ["m-slow", "m-quick"],
                            hedge: .afterMs(100)
                        ),
                    ]
                )
            }
        ) { gateway, _ in try await body(gateway) }
    }

    /// Success ×3, a stream, a failover, a hedge, two direct requests, an unknown model.
    func driveTraffic(_ gateway: RunningGateway, prompt: String = "hello") async throws -> [TestHTTPClient.Reply] {
        let url = gateway.baseURL + "/v1/chat/completions"
        var replies: [TestHTTPClient.Reply] = []
        func chat(_ model: String, stream: Bool = false) async throws -> TestHTTPClient.Reply {
            var body = Harness.chatBody(model: model, stream: stream, includeUsage: stream)
            body = body.replacingOccurrences(of: "\"hello\"", with: JSONString.encode(prompt))
            let reply = try await http.post(url, body: body, headers: Self.auth)
            replies.append(reply)
            return reply
        }
        for _ in 0..<3 {
            #expect(try await chat("m-good").status == 200)
        }
        let streamed = try await chat("m-good", stream: true)
        #expect(streamed.status == 200)
        #expect(streamed.body.contains("data: [DONE]"))
        let failover = try await chat("failover")
        #expect(failover.header("x-switchyard-provider") == "good")
        #expect(failover.header("x-switchyard-attempts") == "2")
        let hedged = try await chat("hedged")
        #expect(hedged.header("x-switchyard-provider") == "quick")
        #expect(try await chat("good/gpt-4o-mini").status == 200)
        _ = try await chat("good/unlisted-model-7e1")
        #expect(try await chat("no-such-model").status == 404)
        return replies
    }

    @Test func everySpecMetricIsExposedAndCountersMoveByTheTraffic() async throws {
        try await Self.withTrafficGateway { gateway in
            _ = try await driveTraffic(gateway)
            let probed = await Harness.eventually {
                let text = (try? await http.get(gateway.baseURL + "/metrics").body) ?? ""
                return PrometheusText(text).value("switchyard_probe_total", ["provider": "good", "outcome": "ok"]) >= 1
            }
            #expect(probed, "the good provider's probe should have been counted")

            let scrape = try await http.get(gateway.baseURL + "/metrics")
            #expect(scrape.status == 200)
            #expect(scrape.header("content-type")?.hasPrefix("text/plain; version=0.0.4") == true)
            let metrics = PrometheusText(scrape.body)
            #expect(metrics.malformed.isEmpty, "unparsable lines: \(metrics.malformed)")
            for (name, type) in Self.spec {
                #expect(
                    metrics.types[name] == type,
                    "\(name) should be a \(type), is \(metrics.types[name] ?? "missing")"
                )
                let sampleName = type == "histogram" ? name + "_count" : name
                #expect(metrics.has(sampleName), "\(name) has no samples")
            }

            let requests = "switchyard_requests_total"
            #expect(
                metrics.value(
                    requests,
                    ["route": "m-good", "model": "gpt-4o-mini", "provider": "good", "status": "200"]
                ) == 4
            )
            #expect(metrics.value(requests, ["route": "failover", "provider": "good", "status": "200"]) == 1)
            #expect(metrics.value(requests, ["route": "hedged", "provider": "quick", "status": "200"]) == 1)
            #expect(metrics.value(requests, ["route": "good/gpt-4o-mini", "model": "gpt-4o-mini"]) == 1)
            #expect(
                metrics.value(requests, ["route": "good/other"]) == 1,
                "an unlisted direct model is folded into 'other'"
            )
            #expect(metrics.value(requests, ["route": "none", "status": "404"]) == 1)
            #expect(!scrape.body.contains("unlisted-model-7e1"), "free text from the client never becomes a label")
            #expect(!scrape.body.contains("no-such-model"))

            #expect(
                metrics.value("switchyard_request_duration_seconds_count", ["route": "m-good", "provider": "good"]) == 4
            )
            #expect(metrics.value("switchyard_ttft_seconds_count", ["route": "m-good", "provider": "good"]) == 1)
            #expect(metrics.value("switchyard_ttft_seconds_bucket", ["route": "m-good", "le": "+Inf"]) == 1)
            #expect(
                metrics.value(
                    "switchyard_fallbacks_total",
                    ["route": "failover", "from_provider": "bad", "to_provider": "good"]
                ) == 1
            )
            #expect(metrics.value("switchyard_hedges_total", ["route": "hedged", "outcome": "won"]) == 1)
            #expect(metrics.value("switchyard_hedges_total", ["route": "hedged", "outcome": "lost"]) == 0)
            #expect(metrics.value("switchyard_upstream_attempts_total", ["provider": "bad", "outcome": "error"]) == 1)
            #expect(metrics.value("switchyard_upstream_attempts_total", ["provider": "quick", "outcome": "ok"]) == 1)
            #expect(metrics.value("switchyard_upstream_attempts_total", ["provider": "good", "outcome": "ok"]) >= 6)
            #expect(
                metrics.value(
                    "switchyard_tokens_total",
                    ["provider": "good", "model": "gpt-4o-mini", "direction": "input"]
                ) > 0
            )
            #expect(
                metrics.value(
                    "switchyard_tokens_total",
                    ["provider": "good", "model": "gpt-4o-mini", "direction": "output"]
                ) > 0
            )
            #expect(metrics.value("switchyard_spend_usd_total", ["provider": "good", "model": "gpt-4o-mini"]) > 0)
            // Healthy means "circuit closed and last probe ok": under ThreadSanitizer a probe
            // (every 100 ms) can time out now and then, and the next one puts it back.
            let healthy = await Harness.eventually {
                let text = (try? await http.get(gateway.baseURL + "/metrics").body) ?? ""
                return PrometheusText(text).value("switchyard_provider_healthy", ["provider": "good"]) == 1
            }
            #expect(healthy, "the good provider should be healthy")
            #expect(metrics.value("switchyard_provider_latency_seconds", ["provider": "good", "quantile": "0.5"]) > 0)
            #expect(metrics.value("switchyard_provider_error_rate", ["provider": "bad"]) > 0)
            #expect(metrics.has("switchyard_in_flight_requests", ["provider": "slow"]))
            #expect(metrics.value("switchyard_provider_circuit_state", ["provider": "good", "state": "closed"]) == 1)

            try await Promtool.expectAccepts(scrape.body)

            if PythonMetricsCheck.shouldRun {
                #expect(PythonMetricsCheck.available, "python3 -m pip install -r Tests/clients/requirements.txt")
                // On a thread of its own: pytest calls back into this process's gateway, whose
                // handlers need the (two-thread) cooperative pool that a blocking wait would hold.
                let result = try await OffPool.run {
                    try PythonRunner.runSync(
                        [
                            "python3", "-m", "pytest", "-q", "-p", "no:cacheprovider",
                            "Tests/clients/test_metrics_format.py",
                        ],
                        environment: ["SWITCHYARD_METRICS_URL": gateway.baseURL + "/metrics"]
                    )
                }
                #expect(result.status == 0, "pytest output:\n\(result.output)")
            }
        }
    }

    @Test func anthropicMessagesAreCountedLikeChat() async throws {
        try await Self.withTrafficGateway { gateway in
            let headers = ["x-api-key": Self.clientKey, "anthropic-version": "2023-06-01"]
            for stream in [false, true] {
                let body =
                    #"{"model":"m-good","max_tokens":8,"stream":\#(stream),"messages":[{"role":"user","content":"hi"}]}"#
                let reply = try await http.post(gateway.baseURL + "/v1/messages", body: body, headers: headers)
                #expect(reply.status == 200, "body: \(reply.body)")
            }
            let metrics = PrometheusText(try await http.get(gateway.baseURL + "/metrics").body)
            #expect(
                metrics.value("switchyard_requests_total", ["route": "m-good", "provider": "good", "status": "200"])
                    == 2
            )
            #expect(metrics.value("switchyard_ttft_seconds_count", ["route": "m-good"]) == 1)
            #expect(metrics.value("switchyard_tokens_total", ["provider": "good", "direction": "output"]) > 0)
        }
    }

    @Test func noConfiguredSecretAppearsInMetricsHealthResponsesOrLogs() async throws {
        let lines = CapturedLines()
        let logger = lines.logger(level: .trace)
        let prompt = "PROMPT-MARKER-9d2f"
        try await Self.withTrafficGateway(logger: logger) { gateway in
            var seen = try await driveTraffic(gateway, prompt: prompt)
            seen.append(try await http.get(gateway.baseURL + "/metrics"))
            seen.append(try await http.get(gateway.baseURL + "/health"))
            seen.append(try await http.get(gateway.baseURL + "/v1/models", headers: Self.auth))
            seen.append(
                try await http.post(
                    gateway.baseURL + "/v1/chat/completions",
                    body: Harness.chatBody(model: "m-good"),
                    headers: ["authorization": "Bearer wrong"]
                )
            )
            let secrets = [Self.clientKey] + Array(Self.providerKeys.values)
            for reply in seen {
                let headers = reply.headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
                for secret in secrets {
                    #expect(
                        !reply.body.contains(secret) && !headers.contains(secret),
                        "a secret leaked into a response"
                    )
                }
            }
            await gateway.stop()
            let text = lines.all.joined()
            #expect(!text.isEmpty)
            for secret in secrets {
                #expect(!text.contains(secret), "a secret leaked into the logs")
            }
            #expect(!text.contains(prompt), "prompts are never logged unless server.log_bodies is on")

            // Every line is one JSON object; one access line per proxied request.
            let objects = lines.all.compactMap {
                (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
            }
            #expect(objects.count == lines.all.count, "every log line is a JSON object")
            let access = objects.filter { $0["message"] as? String == "request" }
            #expect(
                access.count == 9,
                "one access line per chat request (the 401 never reaches a route), got \(access.count)"
            )
            let stream = access.first { $0["stream"] as? Bool == true }
            for field in [
                "ts", "level", "label", "request_id", "route", "model", "provider", "attempts", "status", "latency_ms",
                "ttft_ms", "overhead_ms", "tokens_in", "tokens_out", "cost_usd",
            ] {
                #expect(stream?[field] != nil, "the stream's access line lacks \(field)")
            }
            #expect(access.contains { $0["route"] as? String == "failover" && $0["attempts"] as? Int == 2 })
            #expect(
                objects.contains { $0["message"] as? String == "failover" && $0["to_provider"] as? String == "good" }
            )
        }
    }

    @Test func logBodiesOnLogsTheRequestBodyAtDebugButNeverAKey() async throws {
        let lines = CapturedLines()
        let prompt = "PROMPT-MARKER-51aa"
        try await Self.withTrafficGateway(logger: lines.logger(level: .debug), logBodies: true) { gateway in
            let body = Harness.chatBody(model: "m-good").replacingOccurrences(
                of: "\"hello\"",
                with: JSONString.encode(prompt)
            )
            let reply = try await http.post(gateway.baseURL + "/v1/chat/completions", body: body, headers: Self.auth)
            #expect(reply.status == 200)
            await gateway.stop()
            let text = lines.all.joined()
            #expect(text.contains(prompt))
            for secret in [Self.clientKey] + Array(Self.providerKeys.values) {
                #expect(!text.contains(secret))
            }
        }
    }
}
