import SwitchyardCore
import Testing

@testable import SwitchyardServer

@Suite("${ENV} interpolation")
struct EnvironmentInterpolationTests {
    private func interpolate(_ text: String, _ env: [String: String] = [:]) -> EnvironmentInterpolation.Result {
        EnvironmentInterpolation.interpolate(text, environment: env)
    }

    @Test func replacesSetUnsetAndDefaults() {
        let env = ["HOST": "api.example.com", "EMPTY": ""]
        #expect(interpolate("${HOST}", env).value == "api.example.com")
        #expect(interpolate("${MISSING}", env).value == "")
        #expect(interpolate("${MISSING:-fallback}", env).value == "fallback")
        #expect(interpolate("${EMPTY:-fallback}", env).value == "fallback")
        #expect(interpolate("${HOST:-fallback}", env).value == "api.example.com")
        #expect(interpolate("${MISSING:-}", env).value == "")
    }

    @Test func worksInsideLongerStrings() {
        let env = ["HOST": "h", "PORT": "9"]
        #expect(interpolate("https://${HOST}:${PORT}/v1", env).value == "https://h:9/v1")
        #expect(interpolate("a${MISSING}b", env).value == "ab")
        #expect(interpolate("x${MISSING:-${HOST}}y", env).value == "xhy")
        #expect(interpolate("${A:-a:-b}", env).value == "a:-b")
        #expect(interpolate("${A:-{x\\}", env).value == "{x\\")
    }

    @Test func reportsVariablesAndEscapes() {
        let result = interpolate("${A}-${B:-${C}}", [:])
        #expect(result.variables == ["A", "B", "C"])
        #expect(result.isValid)
        #expect(interpolate("cost $5, $${NOT_A_VAR}", ["NOT_A_VAR": "x"]).value == "cost $5, ${NOT_A_VAR}")
        #expect(interpolate("no references", [:]) == .init(value: "no references", variables: [], isValid: true))
    }

    @Test func malformedReferencesAreKeptAndFlagged() {
        #expect(interpolate("${UNCLOSED", [:]) == .init(value: "${UNCLOSED", variables: [], isValid: false))
        #expect(interpolate("${1BAD}", [:]).isValid == false)
        #expect(interpolate("${}", [:]).isValid == false)
        #expect(interpolate("${A-B}", [:]).value == "${A-B}")
    }

    @Test func configValuesAreInterpolatedBeforeConversion() throws {
        let yaml = """
            server:
              host: ${HOST:-0.0.0.0}
              port: ${PORT:-8080}
              log_bodies: ${LOG_BODIES:-false}
              api_keys: ["${KEY_A}", "${KEY_B}", "static-${KEY_A}"]
            providers:
              p:
                protocol: openai
                base_url: ${BASE:-https://proxy.local/v1}
                api_key: ${P_KEY:-dev-key}
                timeout_ms: ${TIMEOUT}
            """
        let defaults = try ConfigTesting.load(yaml, env: ["TIMEOUT": "100"]).config
        #expect(defaults.server.host == "0.0.0.0")
        #expect(defaults.server.port == 8080)
        #expect(defaults.server.apiKeys == [Secret("static-")])
        #expect(defaults.providers[0].baseURL == "https://proxy.local/v1")
        #expect(defaults.providers[0].apiKey == Secret("dev-key"))
        #expect(defaults.providers[0].timeoutMs == 100)

        let set = try ConfigTesting.load(
            yaml, env: ["PORT": "9090", "LOG_BODIES": "true", "KEY_A": "a", "KEY_B": "b", "TIMEOUT": "5_000"]
        ).config
        #expect(set.server.port == 9090)
        #expect(set.server.logBodies)
        #expect(set.server.apiKeys == [Secret("a"), Secret("b"), Secret("static-a")])
        #expect(set.providers[0].timeoutMs == 5_000)

        #expect(
            ConfigTesting.problems(yaml, env: ["PORT": "eighty", "TIMEOUT": ""]) == [
                "server.port: expected an integer",
                "providers.p.timeout_ms: expected an integer",
            ])
    }

    @Test func malformedReferenceInConfigIsAProblem() {
        #expect(
            ConfigTesting.problems("server: { host: \"${HOST\" }") == [
                "server.host: malformed environment reference (use ${NAME} or ${NAME:-default}; $${ for a literal ${)"
            ])
    }

    @Test func apiKeysThatAllResolveEmptyWarnThatAuthIsOff() throws {
        let loaded = try ConfigTesting.load(
            """
            server: { api_keys: ["${SWITCHYARD_API_KEY}", ""] }
            providers: { p: { protocol: ollama } }
            """)
        #expect(loaded.config.server.apiKeys.isEmpty)
        #expect(loaded.warnings == ["server.api_keys: every key resolved to empty; authentication is off"])

        let explicitEmpty = try ConfigTesting.load("server: { api_keys: [] }\nproviders: { p: { protocol: ollama } }")
        #expect(explicitEmpty.warnings.isEmpty)
    }
}
