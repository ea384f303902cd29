/// One named upstream account (`providers.NAME:`), with its protocol, endpoint and key.
public struct ProviderConfig: Sendable, Equatable {
    /// The provider's name as written in the config (`openai`, `azure-eu`, `fast-sim`).
    public var name: String
    /// The wire protocol or OpenAI-compatible preset name (`openai`, `anthropic`, `mistral`, ...).
    public var protocolName: String
    /// Base URL without a trailing slash; empty for simulated providers until they start.
    public var baseURL: String
    public var apiKey: Secret
    /// Whole-request upstream timeout.
    public var timeoutMs: Int
    public var connectTimeoutMs: Int
    public var maxConnections: Int
    /// Active health probe; nil when `probe: false`.
    public var probe: ProbeConfig?
    /// Embedded simulator settings; nil for a real upstream.
    public var simulate: SimulateConfig?
    /// False when the key resolved to empty: the provider is skipped with one warning.
    public var enabled: Bool
    /// Protocol-specific account settings (Azure, Bedrock, Vertex).
    public var options: ProviderOptions

    public init(
        name: String,
        protocolName: String = "openai",
        baseURL: String = "",
        apiKey: Secret = Secret(""),
        timeoutMs: Int = 60_000,
        connectTimeoutMs: Int = 2_000,
        maxConnections: Int = 128,
        probe: ProbeConfig? = ProbeConfig(),
        simulate: SimulateConfig? = nil,
        enabled: Bool = true,
        options: ProviderOptions = ProviderOptions()
    ) {
        self.name = name
        self.protocolName = protocolName
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.timeoutMs = timeoutMs
        self.connectTimeoutMs = connectTimeoutMs
        self.maxConnections = maxConnections
        self.probe = probe
        self.simulate = simulate
        self.enabled = enabled
        self.options = options
    }
}

/// Settings only some protocols use: Azure's `api_version`, Bedrock's region and AWS
/// credentials (SigV4), Vertex's project, location and service-account file.
public struct ProviderOptions: Sendable, Equatable {
    /// AWS region (`bedrock`), e.g. `us-east-1`.
    public var region: String?
    /// Azure OpenAI `api-version` query parameter.
    public var apiVersion: String?
    public var awsAccessKeyID: Secret?
    public var awsSecretAccessKey: Secret?
    public var awsSessionToken: Secret?
    /// Google Cloud project (`vertex`).
    public var project: String?
    /// Google Cloud location (`vertex`), e.g. `us-central1` or `global`.
    public var location: String?
    /// Path of a service-account JSON key file (`vertex`).
    public var credentialsFile: String?

    public init(
        region: String? = nil,
        apiVersion: String? = nil,
        awsAccessKeyID: Secret? = nil,
        awsSecretAccessKey: Secret? = nil,
        awsSessionToken: Secret? = nil,
        project: String? = nil,
        location: String? = nil,
        credentialsFile: String? = nil
    ) {
        self.region = region
        self.apiVersion = apiVersion
        self.awsAccessKeyID = awsAccessKeyID
        self.awsSecretAccessKey = awsSecretAccessKey
        self.awsSessionToken = awsSessionToken
        self.project = project
        self.location = location
        self.credentialsFile = credentialsFile
    }

    /// Whether credentials other than `api_key` are configured (AWS keys, a service account).
    public var hasAlternativeCredentials: Bool {
        (awsAccessKeyID.map { !$0.isEmpty } ?? false && awsSecretAccessKey.map { !$0.isEmpty } ?? false)
            || !(credentialsFile ?? "").isEmpty
    }
}

/// Active health probe settings (`probe:`).
public struct ProbeConfig: Sendable, Equatable {
    public var intervalMs: Int
    /// Model probed with a 1-token completion; nil = the protocol's default.
    public var model: String?

    public init(intervalMs: Int = 5_000, model: String? = nil) {
        self.intervalMs = intervalMs
        self.model = model
    }
}

/// Behaviour of an embedded simulated provider (`simulate:`), see SPEC §6.
public struct SimulateConfig: Sendable, Equatable {
    public var latencyMs: Int
    public var jitterMs: Int
    /// Time to first token for streams; nil = same as `latencyMs`.
    public var ttftMs: Int?
    public var tokensPerSecond: Double
    /// Share of requests answered with `errorStatus`, 0...1.
    public var errorRate: Double
    public var errorStatus: Int
    /// After this many ms since start, every request fails (outage mode); nil = never.
    public var failAfterMs: Int?
    /// Accept requests and never answer.
    public var hang: Bool

    public init(
        latencyMs: Int = 0,
        jitterMs: Int = 0,
        ttftMs: Int? = nil,
        tokensPerSecond: Double = 0,
        errorRate: Double = 0,
        errorStatus: Int = 500,
        failAfterMs: Int? = nil,
        hang: Bool = false
    ) {
        self.latencyMs = latencyMs
        self.jitterMs = jitterMs
        self.ttftMs = ttftMs
        self.tokensPerSecond = tokensPerSecond
        self.errorRate = errorRate
        self.errorStatus = errorStatus
        self.failAfterMs = failAfterMs
        self.hang = hang
    }
}
