import SwitchyardCore
import Testing

@testable import SwitchyardServer

/// Helpers and fixtures shared by the configuration loader tests.
enum ConfigTesting {
    /// Parses `yaml`, failing the test with every problem when it does not load.
    static func load(_ yaml: String, env: [String: String] = [:]) throws -> LoadedConfig {
        try ConfigLoader.parse(yaml: yaml, environment: env)
    }

    /// Parses `yaml` expecting it to fail; returns the problems as `path: message` lines.
    static func problems(_ yaml: String, env: [String: String] = [:]) -> [String] {
        do {
            _ = try ConfigLoader.parse(yaml: yaml, environment: env)
            Issue.record("expected the configuration to be rejected")
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    /// The SPEC §2 example, completed with the providers and model it refers to.
    static let specExampleYAML = """
        server:
          host: 127.0.0.1
          port: 8080
          max_body_bytes: 16777216
          api_keys: ["${SWITCHYARD_API_KEY}"]
          log_bodies: false

        providers:
          openai:
            protocol: openai
            base_url: https://api.openai.com/v1
            api_key: ${OPENAI_API_KEY}
            timeout_ms: 60000
            connect_timeout_ms: 2000
            max_connections: 128
            probe:
              interval_ms: 5000
              model: gpt-4o-mini
          fast-sim:
            protocol: openai
            simulate: { latency_ms: 120, jitter_ms: 20, error_rate: 0.0 }
          azure-eu:
            protocol: azure
            base_url: https://eu.example.openai.azure.com/
            api_key: ${AZURE_KEY}
          anthropic:
            protocol: anthropic
            api_key: ${ANTHROPIC_API_KEY}
          gemini:
            protocol: gemini
            api_key: ${GEMINI_API_KEY}

        models:
          gpt-4o:
            - { provider: openai, model: gpt-4o }
            - { provider: azure-eu, model: my-gpt4o-deployment }
          claude-3-5-sonnet-20241022:
            - { provider: anthropic, model: claude-3-5-sonnet-20241022 }
          gemini-2.0-flash:
            - { provider: gemini, model: gemini-2.0-flash }

        routes:
          support-bot:
            strategy: weighted
            sla_ms: 2000
            targets: [gpt-4o, claude-3-5-sonnet-20241022, gemini-2.0-flash]
            weights: [3, 1, 1]
            max_attempts: 3
            retry_on: [429, 5xx, timeout, connect]
            hedge: { after_ms: 800 }
            stream_idle_timeout_ms: 30000
        """

    static let specExampleEnv = [
        "SWITCHYARD_API_KEY": "client-key", "OPENAI_API_KEY": "sk-openai", "AZURE_KEY": "az-key",
        "ANTHROPIC_API_KEY": "sk-ant", "GEMINI_API_KEY": "gm-key",
    ]
}
