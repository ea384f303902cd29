import SwitchyardCore
import Yams

extension ConfigLoader {
    static let providerKeys = [
        "protocol", "base_url", "api_key", "timeout_ms", "connect_timeout_ms", "max_connections", "probe", "simulate",
        "region", "api_version", "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "project",
        "location", "credentials_file",
    ]
    static let probeKeys = ["interval_ms", "model"]
    static let simulateKeys = [
        "latency_ms", "jitter_ms", "ttft_ms", "tokens_per_second", "error_rate", "error_status", "fail_after_ms",
        "hang",
    ]

    /// Every declared provider in file order, with its config when it was valid, plus the valid ones.
    struct ReadProviders {
        var all: [(name: String, config: ProviderConfig?)] = []
        var valid: [ProviderConfig] { all.compactMap(\.config) }
    }

    /// Reads `providers:`.
    static func readProviders(_ node: Node?, at path: ConfigPath, reader: ConfigNodeReader) -> ReadProviders {
        var result = ReadProviders()
        guard let node, let entries = reader.entries(node, at: path) else { return result }
        for (name, value) in entries {
            let entryPath = path.key(name)
            if name.isEmpty || name.contains("/") {
                reader.diagnostics.error(entryPath, "provider names must be non-empty and contain no \"/\"")
            }
            let before = reader.diagnostics.problems.count
            let config = readProvider(name: name, value, at: entryPath, reader: reader)
            let isValid = reader.diagnostics.problems.count == before
            result.all.append((name, isValid ? config : nil))
        }
        return result
    }

    private static func readProvider(
        name: String, _ node: Node, at path: ConfigPath, reader: ConfigNodeReader
    ) -> ProviderConfig? {
        guard let section = reader.mapping(node, at: path, allowed: providerKeys) else { return nil }
        let diagnostics = section.diagnostics
        var provider = ProviderConfig(name: name)

        let wireProtocol = readProtocol(section)
        provider.protocolName = wireProtocol?.rawValue ?? provider.protocolName
        provider.timeoutMs = section.int("timeout_ms", minimum: 1) ?? provider.timeoutMs
        provider.connectTimeoutMs = section.int("connect_timeout_ms", minimum: 1) ?? provider.connectTimeoutMs
        provider.maxConnections = section.int("max_connections", minimum: 1) ?? provider.maxConnections
        provider.probe = readProbe(section)

        if section.contains("simulate") {
            provider.simulate = section.mapping("simulate", allowed: simulateKeys).map(readSimulate) ?? SimulateConfig()
            for key in ["base_url", "api_key"] where section.contains(key) {
                diagnostics.error(section.path(key), "not allowed with simulate (the embedded simulator has none)")
            }
            return provider
        }

        provider.options = readOptions(section)
        if let baseURL = readBaseURL(section, wireProtocol: wireProtocol, options: provider.options) {
            provider.baseURL = baseURL
        }
        let key = section.node("api_key").flatMap { section.reader.interpolated($0, at: section.path("api_key")) }
        provider.apiKey = Secret(key?.value ?? "")
        requireHeaderSafe(provider.apiKey, "api_key", section)
        if provider.apiKey.isEmpty, wireProtocol?.requiresAPIKey ?? false, !provider.options.hasAlternativeCredentials {
            provider.enabled = false
            let reason: String
            switch key?.variables {
            case nil: reason = "api_key is missing"
            case let variables? where variables.isEmpty: reason = "api_key is empty"
            case let variables?: reason = "api_key is empty (\(variables.joined(separator: ", ")) unset or empty)"
            }
            diagnostics.warn(path, "\(reason); provider \"\(name)\" is disabled")
        }
        return provider
    }

    private static func readProtocol(_ section: ConfigMappingReader) -> ProviderProtocol? {
        guard section.node("protocol") != nil else {
            section.requireMissing("protocol")
            return nil
        }
        guard let name = section.string("protocol") else { return nil }
        guard let wireProtocol = ProviderProtocol(rawValue: name.lowercased()) else {
            let known = ProviderProtocol.allCases.map(\.rawValue).joined(separator: ", ")
            let message = "unknown protocol \"\(name)\" (expected one of: \(known))"
            section.diagnostics.error(section.path("protocol"), message)
            return nil
        }
        return wireProtocol
    }

    /// The configured base URL (an empty value counts as absent), else the protocol's default.
    /// The protocol-specific settings; secrets among them become `Secret`s.
    private static func readOptions(_ section: ConfigMappingReader) -> ProviderOptions {
        func secret(_ key: String) -> Secret? {
            let value = section.node(key).flatMap { section.reader.interpolated($0, at: section.path(key)) }.map { Secret($0.value) }
            if let value { requireHeaderSafe(value, key, section) }
            return value
        }
        func text(_ key: String) -> String? {
            section.string(key).flatMap { $0.isEmpty ? nil : $0 }
        }
        return ProviderOptions(
            region: text("region"),
            apiVersion: text("api_version"),
            awsAccessKeyID: secret("aws_access_key_id"),
            awsSecretAccessKey: secret("aws_secret_access_key"),
            awsSessionToken: secret("aws_session_token"),
            project: text("project"),
            location: text("location"),
            credentialsFile: text("credentials_file")
        )
    }

    /// Credentials go into request headers, which the upstream client does not check again
    /// on every request: one that cannot (a control character, typically the newline at the
    /// end of a key file) is refused here, with its place, never its value.
    private static func requireHeaderSafe(_ secret: Secret, _ key: String, _ section: ConfigMappingReader) {
        guard !secret.fitsInHeaderField else { return }
        section.diagnostics.error(
            section.path(key),
            "contains a control character (a line break at its end?); it cannot be sent in an HTTP header"
        )
    }

    /// The base URL a protocol derives from account settings when it has no fixed one.
    private static func derivedBaseURL(_ wireProtocol: ProviderProtocol, options: ProviderOptions) -> String? {
        switch wireProtocol {
        case .bedrock:
            return options.region.map { "https://bedrock-runtime.\($0).amazonaws.com" }
        case .vertex:
            guard let location = options.location else { return nil }
            return location == "global" ? "https://aiplatform.googleapis.com" : "https://\(location)-aiplatform.googleapis.com"
        default:
            return nil
        }
    }

    private static func readBaseURL(_ section: ConfigMappingReader, wireProtocol: ProviderProtocol?, options: ProviderOptions) -> String? {
        var url = section.string("base_url") ?? ""
        while url.hasSuffix("/") { url.removeLast() }
        if url.isEmpty {
            guard let wireProtocol else { return nil }  // the protocol problem is reported already
            guard let fallback = wireProtocol.defaultBaseURL ?? derivedBaseURL(wireProtocol, options: options) else {
                section.requireMissing("base_url", " for protocol \(wireProtocol.rawValue)")
                return nil
            }
            return fallback
        }
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            section.diagnostics.error(section.path("base_url"), "must start with http:// or https://")
            return nil
        }
        return url
    }

    /// `probe:` absent or null gives the defaults, `false` disables, a mapping overrides.
    private static func readProbe(_ section: ConfigMappingReader) -> ProbeConfig? {
        guard let node = section.node("probe") else { return ProbeConfig() }
        if case .scalar = node {
            let text = section.reader.string(node, at: section.path("probe")) ?? ""
            guard let enabled = ConfigNodeReader.parseBool(text) else {
                section.diagnostics.error(section.path("probe"), "expected a mapping or false")
                return nil
            }
            return enabled ? ProbeConfig() : nil
        }
        guard let probe = section.mapping("probe", allowed: probeKeys) else { return nil }
        var config = ProbeConfig()
        config.intervalMs = probe.int("interval_ms", minimum: 1) ?? config.intervalMs
        if let model = probe.string("model"), !model.isEmpty {
            config.model = model
        }
        return config
    }

    private static func readSimulate(_ simulate: ConfigMappingReader) -> SimulateConfig {
        var config = SimulateConfig()
        config.latencyMs = simulate.int("latency_ms", minimum: 0) ?? config.latencyMs
        config.jitterMs = simulate.int("jitter_ms", minimum: 0) ?? config.jitterMs
        config.ttftMs = simulate.int("ttft_ms", minimum: 0) ?? config.ttftMs
        config.tokensPerSecond = simulate.double("tokens_per_second", minimum: 0) ?? config.tokensPerSecond
        config.errorRate = simulate.double("error_rate", minimum: 0, maximum: 1) ?? config.errorRate
        config.errorStatus = simulate.int("error_status", minimum: 400, maximum: 599) ?? config.errorStatus
        config.failAfterMs = simulate.int("fail_after_ms", minimum: 0) ?? config.failAfterMs
        config.hang = simulate.bool("hang") ?? config.hang
        return config
    }
}
