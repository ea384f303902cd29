import Foundation
import SwitchyardCore
import Testing

@testable import SwitchyardServer

@Suite("ConfigLoader: problems")
struct ConfigLoaderProblemTests {
    @Test func unknownKeysAtEveryLevel() {
        let yaml = """
            serer: {}
            server: { prot: 1 }
            providers:
              p:
                protocol: openai
                api_key: k
                timeout: 5
                probe: { interval: 1 }
              s: { protocol: openai, simulate: { latency: 5 } }
            models:
              m: [{ provider: p, model: x, weight: 2 }]
            routes:
              r: { targets: [m], sla: 5, hedge: { after_ms: 5, before: 1 } }
            """
        #expect(
            ConfigTesting.problems(yaml) == [
                "serer: unknown key",
                "server.prot: unknown key",
                "providers.p.timeout: unknown key",
                "providers.p.probe.interval: unknown key",
                "providers.s.simulate.latency: unknown key",
                "models.m[0].weight: unknown key",
                "routes.r.sla: unknown key",
                "routes.r.hedge.before: unknown key",
            ])
    }

    @Test func typeErrors() {
        let yaml = """
            server: { port: abc, max_body_bytes: [1], log_bodies: maybe, host: { a: b }, api_keys: key }
            providers:
              p: { protocol: openai, api_key: k, timeout_ms: 1.5, probe: sometimes }
              s: { protocol: openai, simulate: { error_rate: lots, hang: 3 } }
            models:
              m: { provider: p, model: x }
            routes:
              r: { targets: m, max_attempts: "" }
            """
        #expect(
            ConfigTesting.problems(yaml) == [
                "server.host: expected a string",
                "server.port: expected an integer",
                "server.max_body_bytes: expected an integer",
                "server.log_bodies: expected a boolean",
                "server.api_keys: expected a list",
                "providers.p.timeout_ms: expected an integer",
                "providers.p.probe: expected a mapping or false",
                "providers.s.simulate.error_rate: expected a number",
                "providers.s.simulate.hang: expected a boolean",
                "models.m: expected a list",
                "routes.r.max_attempts: expected an integer",
                "routes.r.targets: expected a list",
            ])
        #expect(ConfigTesting.problems("providers: [a, b]") == ["providers: expected a mapping"])
        #expect(ConfigTesting.problems("- just a list") == ["<root>: expected a mapping"])
    }

    @Test func rangeErrors() {
        let yaml = """
            server: { port: 70000, max_body_bytes: 0 }
            providers:
              p: { protocol: openai, api_key: k, max_connections: 0, connect_timeout_ms: -1 }
              s: { protocol: openai, simulate: { error_rate: 1.5, error_status: 200, latency_ms: -5 } }
            routes:
              r: { targets: [p/x], max_attempts: 0, sla_ms: 0, hedge: { after_ms: 0 } }
            """
        #expect(
            ConfigTesting.problems(yaml) == [
                "server.port: must be between 1 and 65535",
                "server.max_body_bytes: must be greater than 0",
                "providers.p.connect_timeout_ms: must be greater than 0",
                "providers.p.max_connections: must be greater than 0",
                "providers.s.simulate.latency_ms: must be at least 0",
                "providers.s.simulate.error_rate: must be between 0 and 1",
                "providers.s.simulate.error_status: must be between 400 and 599",
                "routes.r.sla_ms: must be greater than 0",
                "routes.r.max_attempts: must be greater than 0",
                "routes.r.hedge.after_ms: must be greater than 0",
            ])
    }

    @Test func unknownProviderAndModelUseTheSpecFormat() {
        let yaml = """
            providers:
              openai: { protocol: openai, api_key: k }
            models:
              gpt-4o:
                - { provider: openai, model: gpt-4o }
                - { provider: x, model: gpt-4o }
            routes:
              support:
                targets: [gpt-4o, openai/gpt-4o-mini, gpt-5x, nobody/model, openai/]
            """
        #expect(
            ConfigTesting.problems(yaml) == [
                #"models.gpt-4o[1].provider: unknown provider "x""#,
                #"routes.support.targets[2]: unknown model "gpt-5x""#,
                #"routes.support.targets[3]: unknown model "nobody/model""#,
                #"routes.support.targets[4]: unknown model "openai/""#,
            ])
    }

    @Test func providerRules() {
        let yaml = """
            providers:
              nothing: {}
              bad: { protocol: carrier-pigeon }
              az: { protocol: azure, api_key: k }
              ftp: { protocol: openai, api_key: k, base_url: "ftp://x" }
              sim: { protocol: openai, base_url: "http://x", api_key: secret-value, simulate: {} }
              a/b: { protocol: ollama }
            """
        let problems = ConfigTesting.problems(yaml)
        #expect(problems.count == 7)
        #expect(problems[0] == "providers.nothing.protocol: is required")
        #expect(
            problems[1].hasPrefix(
                #"providers.bad.protocol: unknown protocol "carrier-pigeon" (expected one of: openai, "#))
        #expect(problems[2] == "providers.az.base_url: is required for protocol azure")
        #expect(problems[3] == "providers.ftp.base_url: must start with http:// or https://")
        #expect(problems[4] == "providers.sim.base_url: not allowed with simulate (the embedded simulator has none)")
        #expect(problems[5] == "providers.sim.api_key: not allowed with simulate (the embedded simulator has none)")
        #expect(problems[6] == #"providers.a/b: provider names must be non-empty and contain no "/""#)
        #expect(!problems.joined().contains("secret-value"))
    }

    @Test func weightsRules() {
        let yaml = """
            providers: { p: { protocol: ollama } }
            models: { a: [{ provider: p, model: a }], b: [{ provider: p, model: b }] }
            routes:
              mismatch: { strategy: weighted, targets: [a, b], weights: [1, 2, 3] }
              missing: { strategy: weighted, targets: [a, b] }
              zeros: { strategy: weighted, targets: [a, b], weights: [0, 0] }
              negative: { strategy: weighted, targets: [a, b], weights: [1, -1] }
              strategy: { strategy: fastest, targets: [a] }
            """
        #expect(
            ConfigTesting.problems(yaml) == [
                "routes.mismatch.weights: expected 2 weights (one per target), got 3",
                "routes.missing.weights: is required for strategy weighted (one per target)",
                "routes.zeros.weights: at least one weight must be greater than 0",
                "routes.negative.weights[1]: must be at least 0",
                #"routes.strategy.strategy: unknown strategy "fastest" (expected one of: latency, cost, priority, weighted, round_robin)"#,
            ])
    }

    @Test func routeRules() {
        let yaml = """
            providers: { p: { protocol: ollama } }
            models: { m: [{ provider: p, model: m }], empty: [] }
            routes:
              m: { targets: [p/x] }
              none: { targets: [] }
              absent: { strategy: cost }
              retry: { targets: [m], retry_on: [500, 429] }
              both: { targets: [m], hedge: { after_ms: 5, after: p95 } }
              p99: { targets: [m], hedge: { after: p99 } }
            """
        #expect(
            ConfigTesting.problems(yaml) == [
                "models.empty: expected at least one deployment",
                #"routes.m: a model is already named "m"; route names must differ"#,
                "routes.none.targets: must list at least one target",
                "routes.absent.targets: is required",
                #"routes.retry.retry_on[0]: unknown retry condition "500" (expected one of: 429, 5xx, timeout, connect)"#,
                "routes.both.hedge: give either after_ms or after, not both",
                "routes.p99.hedge.after: expected p95 (or use after_ms: N)",
            ])
    }

    @Test func providerWithEmptyKeyIsDisabledWithOneWarning() throws {
        let yaml = """
            providers:
              openai: { protocol: openai, api_key: "${OPENAI_API_KEY}" }
              anthropic: { protocol: anthropic, api_key: "sk-ant-live-value" }
            """
        let loaded = try ConfigTesting.load(yaml)
        #expect(loaded.config.providers.map(\.enabled) == [false, true])
        #expect(loaded.config.provider(named: "openai") == nil)
        #expect(
            loaded.warnings == [
                #"providers.openai: api_key is empty (OPENAI_API_KEY unset or empty); provider "openai" is disabled"#
            ])
        #expect(!loaded.warnings.joined().contains("sk-ant-live-value"))

        let missing = try ConfigTesting.load("providers: { g: { protocol: gemini } }")
        #expect(missing.warnings == [#"providers.g: api_key is missing; provider "g" is disabled"#])
    }

    @Test func credentialsThatCannotGoInAHeaderAreRefusedWithoutTheirValue() throws {
        // A key from a file with its newline, through a variable, and an AWS secret with a NUL.
        let problems = ConfigTesting.problems(
            """
            providers:
              openai: { protocol: openai, api_key: "${OPENAI_API_KEY}" }
              aws: { protocol: bedrock, region: us-east-1, aws_access_key_id: AKIDEXAMPLE, aws_secret_access_key: "wJalr\\0secret" }
            """,
            env: ["OPENAI_API_KEY": "sk-live-value\n"])
        #expect(
            problems == [
                "providers.openai.api_key: contains a control character (a line break at its end?); it cannot be sent in an HTTP header",
                "providers.aws.aws_secret_access_key: contains a control character (a line break at its end?); it cannot be sent in an HTTP header",
            ])
        #expect(!problems.joined().contains("sk-live") && !problems.joined().contains("wJalr"))
        // A tab and non-ASCII letters can.
        let loaded = try ConfigTesting.load("providers: { p: { protocol: openai, api_key: \"key\\twith é\" } }")
        #expect(loaded.config.providers[0].apiKey.value == "key\twith é")
    }

    @Test func deploymentsOnDisabledProvidersWarnButLoad() throws {
        let loaded = try ConfigTesting.load(
            """
            providers:
              off: { protocol: openai }
              on: { protocol: ollama }
            models:
              m: [{ provider: off, model: x }, { provider: on, model: y }]
            routes:
              r: { targets: [m, off/z] }
            """)
        #expect(loaded.config.models[0].deployments.count == 2)
        #expect(loaded.warnings.count == 3)
        #expect(
            loaded.warnings[1] == #"models.m[0].provider: provider "off" is disabled; this deployment will not be used"#
        )
        #expect(loaded.warnings[2] == #"routes.r.targets[1]: provider "off" is disabled; this target will not be used"#)
    }

    @Test func secretsNeverAppearInProblems() {
        let problems = ConfigTesting.problems(
            """
            server: { api_keys: ["client-secret", { nested: x }] }
            providers:
              p: { protocol: openai, api_key: "sk-provider-secret", timeout_ms: slow }
            """)
        #expect(problems == ["server.api_keys[1]: expected a string", "providers.p.timeout_ms: expected an integer"])
        #expect(!problems.joined().contains("secret"))
    }

    @Test func everyProblemIsCollectedAndFormatted() {
        do {
            _ = try ConfigLoader.parse(yaml: "server: { port: 0, bogus: 1 }\nrouting: {}", environment: [:])
            Issue.record("expected failure")
        } catch {
            #expect(error.problems.count == 3)
            #expect(
                error.formatProblems() == """
                    routing: unknown key
                    server.bogus: unknown key
                    server.port: must be between 1 and 65535
                    """)
            #expect(error.description == error.formatProblems())
            #expect(error.problems[2] == ConfigProblem(path: "server.port", message: "must be between 1 and 65535"))
        }
    }

    @Test func yamlSyntaxErrorsCarryTheirLocation() {
        let problems = ConfigTesting.problems("server:\n  port: 80\n  host: [unclosed\n")
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("line ") == true)

        let duplicate = ConfigTesting.problems("server:\n  port: 80\n  port: 81\n")
        #expect(duplicate.count == 1)
        #expect(duplicate.first?.contains(#"duplicate key "port""#) == true)
    }

    @Test func fileErrorsNameTheFile() throws {
        #expect(throws: ConfigError(path: "/nonexistent/switchyard.yaml", message: "file not found")) {
            try ConfigLoader.load(path: "/nonexistent/switchyard.yaml", environment: [:])
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("broken-\(UUID()).yaml")
        try "server:\n  port: 80\n   host: x\n".write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            _ = try ConfigLoader.load(path: url.path, environment: [:])
            Issue.record("expected failure")
        } catch {
            #expect(error.problems.count == 1)
            #expect(error.problems.first?.path.hasPrefix(url.path + ":3:") == true)
        }
    }
}
