import Foundation
import SwitchyardCore
import Testing

@testable import SwitchyardServer

@Suite("ConfigLoader: valid configurations")
struct ConfigLoaderTests {
    @Test func specExampleLoadsCompletely() throws {
        let loaded = try ConfigTesting.load(ConfigTesting.specExampleYAML, env: ConfigTesting.specExampleEnv)
        let config = loaded.config
        #expect(loaded.warnings.isEmpty)
        #expect(
            config.server
                == ServerConfig(
                    host: "127.0.0.1", port: 8080, maxBodyBytes: 16_777_216, apiKeys: [Secret("client-key")],
                    logBodies: false))
        #expect(config.providers.map(\.name) == ["openai", "fast-sim", "azure-eu", "anthropic", "gemini"])
        #expect(
            config.providers[0]
                == ProviderConfig(
                    name: "openai", protocolName: "openai", baseURL: "https://api.openai.com/v1",
                    apiKey: Secret("sk-openai"), timeoutMs: 60_000, connectTimeoutMs: 2_000, maxConnections: 128,
                    probe: ProbeConfig(intervalMs: 5_000, model: "gpt-4o-mini")))
        #expect(
            config.providers[1]
                == ProviderConfig(
                    name: "fast-sim", protocolName: "openai", baseURL: "",
                    simulate: SimulateConfig(latencyMs: 120, jitterMs: 20, errorRate: 0)))
        #expect(config.providers[2].baseURL == "https://eu.example.openai.azure.com")
        #expect(config.providers[3].baseURL == "https://api.anthropic.com")
        #expect(config.providers.allSatisfy { $0.enabled })
        #expect(config.models.map(\.name) == ["gpt-4o", "claude-3-5-sonnet-20241022", "gemini-2.0-flash"])
        #expect(
            config.models[0].deployments == [
                DeploymentConfig(provider: "openai", model: "gpt-4o"),
                DeploymentConfig(provider: "azure-eu", model: "my-gpt4o-deployment"),
            ])
        #expect(
            config.routes == [
                RouteConfig(
                    name: "support-bot", strategy: .weighted, slaMs: 2_000,
                    targets: ["gpt-4o", "claude-3-5-sonnet-20241022", "gemini-2.0-flash"], weights: [3, 1, 1],
                    maxAttempts: 3, retryOn: [.rateLimited, .serverError, .timeout, .connect], hedge: .afterMs(800),
                    streamIdleTimeoutMs: 30_000)
            ])
    }

    @Test func specExampleVerbatimReportsItsDanglingReferences() {
        // SPEC §2 as printed refers to providers and a model it does not declare.
        let verbatim = """
            providers:
              openai: { protocol: openai, api_key: "${OPENAI_API_KEY}" }
            models:
              gpt-4o:
                - { provider: openai, model: gpt-4o }
                - { provider: azure-eu, model: my-gpt4o-deployment }
              claude-3-5-sonnet-20241022:
                - { provider: anthropic, model: claude-3-5-sonnet-20241022 }
            routes:
              support-bot:
                targets: [gpt-4o, claude-3-5-sonnet-20241022, gemini-2.0-flash]
            """
        #expect(
            ConfigTesting.problems(verbatim, env: ["OPENAI_API_KEY": "k"]) == [
                #"models.gpt-4o[1].provider: unknown provider "azure-eu""#,
                #"models.claude-3-5-sonnet-20241022[0].provider: unknown provider "anthropic""#,
                #"routes.support-bot.targets[2]: unknown model "gemini-2.0-flash""#,
            ])
    }

    @Test func defaultsAreApplied() throws {
        let config = try ConfigTesting.load(
            """
            providers:
              a: { protocol: anthropic, api_key: k }
              g: { protocol: gemini, api_key: k }
              q: { protocol: groq, api_key: k }
              o: { protocol: ollama }
              v: { protocol: vllm, base_url: "http://127.0.0.1:8000/v1/" }
            routes:
              r: { targets: [a/claude-3-5-haiku-20241022] }
            """
        ).config
        #expect(config.server == ServerConfig())
        #expect(
            config.providers.map(\.baseURL) == [
                "https://api.anthropic.com", "https://generativelanguage.googleapis.com",
                "https://api.groq.com/openai/v1", "http://localhost:11434/v1", "http://127.0.0.1:8000/v1",
            ])
        #expect(config.providers.allSatisfy { $0.probe == ProbeConfig() && $0.enabled && $0.simulate == nil })
        #expect(config.providers[0].timeoutMs == 60_000)
        #expect(config.providers[0].maxConnections == 128)
        #expect(config.routes == [RouteConfig(name: "r", targets: ["a/claude-3-5-haiku-20241022"])])
        #expect(config.routes[0].slaMs == 2_000 && config.routes[0].maxAttempts == 3)
        #expect(config.routes[0].retryOn == Set(RetryCondition.allCases))
    }

    @Test func clientLimitsAreRead() throws {
        let config = try ConfigTesting.load(
            """
            server:
              max_header_bytes: 8192
              client_idle_timeout_ms: 15000
              client_request_timeout_ms: 5000
              max_concurrent_requests: 64
            providers:
              a: { protocol: anthropic, api_key: k }
            routes:
              r: { targets: [a/claude-3-5-haiku-20241022] }
            """
        ).config
        #expect(config.server.maxHeaderBytes == 8192)
        #expect(config.server.clientIdleTimeoutMs == 15_000)
        #expect(config.server.clientRequestTimeoutMs == 5_000)
        #expect(config.server.maxConcurrentRequests == 64)
        let problems = ConfigTesting.problems(
            """
            server: { max_header_bytes: 10, max_concurrent_requests: 0 }
            providers:
              a: { protocol: anthropic, api_key: k }
            routes:
              r: { targets: [a/claude-3-5-haiku-20241022] }
            """
        )
        #expect(problems.contains { $0.hasPrefix("server.max_header_bytes:") }, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("server.max_concurrent_requests:") }, "\(problems)")
    }

    @Test func probeFalseDisablesAndNullSimulateUsesDefaults() throws {
        let config = try ConfigTesting.load(
            """
            providers:
              p: { protocol: openai, api_key: k, probe: false }
              s:
                protocol: anthropic
                simulate:
                  ttft_ms: 50
                  tokens_per_second: 80.5
                  error_rate: 0.25
                  error_status: 529
                  fail_after_ms: 1000
                  hang: yes
              t:
                protocol: openai
                simulate:
            """
        ).config
        #expect(config.providers[0].probe == nil)
        #expect(
            config.providers[1].simulate
                == SimulateConfig(
                    ttftMs: 50, tokensPerSecond: 80.5, errorRate: 0.25, errorStatus: 529, failAfterMs: 1_000,
                    hang: true))
        #expect(config.providers[2].simulate == SimulateConfig())
        #expect(config.providers[1].enabled)  // simulated providers need no key
    }

    @Test func routeOptions() throws {
        let config = try ConfigTesting.load(
            """
            providers:
              p: { protocol: openai, api_key: k }
            models:
              m: [{ provider: p, model: up }]
            routes:
              r:
                strategy: round_robin
                targets: [m, p/other]
                retry_on: [429, "5xx"]
                hedge: { after: p95 }
                sla_ms: 5000
              z: { strategy: priority, targets: [m], retry_on: [] }
            """
        ).config
        #expect(config.routes.map(\.name) == ["r", "z"])
        #expect(config.routes[0].strategy == .roundRobin)
        #expect(config.routes[0].retryOn == [.rateLimited, .serverError])
        #expect(config.routes[0].hedge == .afterP95)
        #expect(config.routes[0].slaMs == 5_000)
        #expect(config.routes[1].retryOn.isEmpty)
    }

    @Test func weightsForAnotherStrategyWarnAndAreDropped() throws {
        let loaded = try ConfigTesting.load(
            """
            providers: { p: { protocol: ollama } }
            models: { m: [{ provider: p, model: x }] }
            routes: { r: { targets: [m], weights: [1] } }
            """)
        #expect(loaded.config.routes[0].weights.isEmpty)
        #expect(loaded.warnings == ["routes.r.weights: ignored for strategy latency (weights apply to weighted only)"])
    }

    @Test func loadsFromFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-\(UUID()).yaml")
        try "providers: { p: { protocol: ollama } }\n".write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let loaded = try ConfigLoader.load(path: url.path, environment: [:])
        #expect(loaded.config.providers.map(\.name) == ["p"])
    }
}
