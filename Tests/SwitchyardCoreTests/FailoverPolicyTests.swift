import SwitchyardCore
import Testing

@Suite("FailoverPolicy: retry or stop, and what the client is told (SPEC §3, §4)")
struct FailoverPolicyTests {
    static let openai = Deployment(provider: "openai", model: "gpt-4o")
    static let azure = Deployment(provider: "azure-eu", model: "my-gpt4o-deployment")
    static let anthropic = Deployment(provider: "anthropic", model: "claude-3-5-sonnet-20241022")

    static func plan(maxAttempts: Int = 3, retryOn: Set<RetryCondition> = RouteConfig.defaultRetryOn) -> RoutePlan {
        RoutePlan(
            name: "support-bot", kind: .route, slaMs: 2000, deployments: [openai, azure, anthropic],
            maxAttempts: maxAttempts, retryOn: retryOn)
    }

    static func failed(
        _ deployment: Deployment, _ kind: UpstreamFailure.Kind, status: Int? = nil, message: String = "upstream said no",
        code: String? = nil, param: String? = nil, retryAfter: Double? = nil
    ) -> FailoverPolicy.FailedAttempt {
        FailoverPolicy.FailedAttempt(
            deployment: deployment,
            failure: UpstreamFailure(
                kind: kind, status: status, message: message, code: code, param: param, retryAfterSeconds: retryAfter))
    }

    static func stopError(_ decision: FailoverPolicy.Decision) -> GatewayError? {
        if case .stop(let error) = decision { return error }
        return nil
    }

    @Test(arguments: [
        (UpstreamFailure.Kind.rateLimited, RetryCondition.rateLimited), (.quotaExhausted, .rateLimited),
        (.serverError, .serverError), (.overloaded, .serverError), (.malformedResponse, .serverError),
        (.timeout, .timeout), (.connect, .connect),
    ])
    func retryableOnlyWhenRetryOnAllowsIt(kind: UpstreamFailure.Kind, condition: RetryCondition) {
        let failure = UpstreamFailure(kind: kind, message: "x")
        #expect(failure.isRetryable(under: [condition]))
        #expect(!failure.isRetryable(under: Set(RetryCondition.allCases).subtracting([condition])))
        let failures = [Self.failed(Self.openai, kind)]
        #expect(FailoverPolicy.afterFailure(failures, plan: Self.plan(retryOn: [condition]), deadlineExpired: false) == .tryAnother)
        let stopped = FailoverPolicy.afterFailure(failures, plan: Self.plan(retryOn: []), deadlineExpired: false)
        #expect(Self.stopError(stopped) != nil)
    }

    @Test(arguments: [UpstreamFailure.Kind.upstreamAuth, .upstreamNotFound])
    func credentialAndDeploymentProblemsFailOverRegardlessOfRetryOn(kind: UpstreamFailure.Kind) {
        let failures = [Self.failed(Self.openai, kind, status: 401)]
        #expect(FailoverPolicy.afterFailure(failures, plan: Self.plan(retryOn: []), deadlineExpired: false) == .tryAnother)
    }

    @Test(arguments: [
        (UpstreamFailure.Kind.invalidRequest, 400, "unsupported_parameter", 400, "unsupported_parameter"),
        (.contextLength, 400, nil, 400, "context_length_exceeded"),
        (.contextLength, 400, "context_length_exceeded", 400, "context_length_exceeded"),
        (.contentFiltered, 400, nil, 400, "content_filter"),
        (.tooLarge, 413, nil, 413, "request_too_large"),
        (.invalidRequest, 422, nil, 400, nil),
    ] as [(UpstreamFailure.Kind, Int, String?, Int, String?)])
    func clientErrorsStopAtOnceWithTheUpstreamsReason(
        kind: UpstreamFailure.Kind, upstreamStatus: Int, upstreamCode: String?, status: Int, apiCode: String?
    ) throws {
        let failures = [
            Self.failed(Self.openai, .serverError, status: 500),
            Self.failed(Self.azure, kind, status: upstreamStatus, message: "Unsupported parameter: 'logprobs'",
                        code: upstreamCode, param: "logprobs"),
        ]
        let decision = FailoverPolicy.afterFailure(failures, plan: Self.plan(maxAttempts: 5), deadlineExpired: false)
        let error = try #require(Self.stopError(decision))
        #expect(error.code == .upstreamRejected)
        #expect(error.status == status)
        #expect(error.apiCode == apiCode)
        #expect(error.message == "Unsupported parameter: 'logprobs'")
        #expect(error.param == "logprobs")
        #expect(error.type == "invalid_request_error")
    }

    @Test func allRateLimitedGives429WithTheSmallestRetryAfterRoundedUp() throws {
        let failures = [
            Self.failed(Self.openai, .rateLimited, status: 429, retryAfter: 20),
            Self.failed(Self.azure, .rateLimited, status: 429, retryAfter: 2.2),
            Self.failed(Self.anthropic, .rateLimited, status: 429),
        ]
        let error = try #require(Self.stopError(FailoverPolicy.afterFailure(failures, plan: Self.plan(), deadlineExpired: false)))
        #expect(error.code == .rateLimited)
        #expect(error.status == 429)
        #expect(error.type == "rate_limit_error")
        #expect(error.retryAfterSeconds == 3)
        #expect(error.message.contains("openai (429), azure-eu (429), anthropic (429)"))
    }

    @Test(arguments: [
        ([Double?](), 1), ([nil], 1), ([0.0], 1), ([0.001], 1), ([1.0], 1), ([1.0001, 5], 2),
        ([Double.infinity], 1), ([Double.nan, 4], 4), ([-3.0, 6], 6), ([1e300], 86_400),
    ] as [([Double?], Int)])
    func retryAfterIsAtLeastOneAndNeverTraps(waits: [Double?], expected: Int) {
        let failures = (waits.isEmpty ? [nil] : waits).map { Self.failed(Self.openai, .rateLimited, status: 429, retryAfter: $0) }
        let error = FailoverPolicy.finalError(failures, plan: Self.plan(), deadlineExpired: false)
        #expect(error.retryAfterSeconds == expected)
    }

    @Test func quotaExhaustedCountsAsRateLimitedForTheFinalAnswer() {
        let failures = [
            Self.failed(Self.openai, .quotaExhausted, status: 429), Self.failed(Self.azure, .rateLimited, status: 429),
        ]
        #expect(FailoverPolicy.finalError(failures, plan: Self.plan(), deadlineExpired: false).code == .rateLimited)
    }

    @Test func mixedFailuresGive502ListingProviderAndStatusOnly() throws {
        let failures = [
            Self.failed(Self.openai, .rateLimited, status: 429, message: "key sk-secret is limited", retryAfter: 1),
            Self.failed(Self.azure, .serverError, status: 503, message: "https://x.azure.com/?key=secret"),
            Self.failed(Self.anthropic, .timeout, message: "no headers in 800 ms"),
        ]
        let error = try #require(Self.stopError(FailoverPolicy.afterFailure(failures, plan: Self.plan(), deadlineExpired: false)))
        #expect(error.code == .upstreamFailed)
        #expect(error.status == 502)
        #expect(error.type == "upstream_error")
        #expect(error.message == "Every attempt for 'support-bot' failed: openai (429), azure-eu (503), anthropic (timeout).")
        for secret in ["sk-secret", "key=", "azure.com", "gpt-4o", "800 ms"] {
            #expect(!error.message.contains(secret))
        }
    }

    @Test func expiredDeadlineGives504SlaExceeded() throws {
        let failures = [Self.failed(Self.openai, .serverError, status: 500)]
        let error = try #require(Self.stopError(FailoverPolicy.afterFailure(failures, plan: Self.plan(), deadlineExpired: true)))
        #expect(error.code == .slaExceeded)
        #expect(error.status == 504)
        #expect(error.apiCode == "sla_exceeded")
        #expect(error.type == "timeout_error")
        #expect(error.message.contains("2000 ms"))
        // Even when every attempt was rate limited, running out of time is the answer.
        let limited = [Self.failed(Self.openai, .rateLimited, status: 429, retryAfter: 5)]
        #expect(FailoverPolicy.finalError(limited, plan: Self.plan(), deadlineExpired: true).code == .slaExceeded)
        #expect(FailoverPolicy.finalError([], plan: Self.plan(), deadlineExpired: true).status == 504)
    }

    @Test func noAttemptsGive503NoHealthyProvider() throws {
        let error = try #require(Self.stopError(FailoverPolicy.afterFailure([], plan: Self.plan(), deadlineExpired: false)))
        #expect(error.code == .noHealthyProvider)
        #expect(error.status == 503)
        #expect(error.apiCode == "no_healthy_provider")
        #expect(error.type == "service_unavailable")
        #expect(FailoverPolicy.finalError([], plan: Self.plan(), deadlineExpired: false) == error)
    }

    @Test(arguments: [1, 2, 3])
    func maxAttemptsIsRespected(maxAttempts: Int) {
        var failures: [FailoverPolicy.FailedAttempt] = []
        var decisions: [FailoverPolicy.Decision] = []
        for deployment in [Self.openai, Self.azure, Self.anthropic, Self.openai] {
            failures.append(Self.failed(deployment, .serverError, status: 500))
            let decision = FailoverPolicy.afterFailure(failures, plan: Self.plan(maxAttempts: maxAttempts), deadlineExpired: false)
            decisions.append(decision)
            if decision != .tryAnother { break }
        }
        #expect(decisions.count == maxAttempts)
        #expect(decisions.dropLast().allSatisfy { $0 == .tryAnother })
        #expect(Self.stopError(decisions.last ?? .tryAnother)?.code == .upstreamFailed)
    }

    @Test func gatewayErrorDefaultsAndDescription() {
        let error = GatewayError.modelNotFound("gpt-5")
        #expect(error.status == 404)
        #expect(error.apiCode == "model_not_found")
        #expect(error.param == "model")
        #expect(error.shortDescription == "model_not_found")
        #expect(error.description.hasPrefix("model_not_found (404): "))
        #expect(GatewayError.invalidAPIKey.status == 401)
        #expect(GatewayError.invalidAPIKey.type == "authentication_error")
        #expect(GatewayError.invalidRequest("bad", param: "messages").apiCode == nil)
        #expect(GatewayError(.requestTooLarge, message: "big").status == 413)
    }

    @Test func failureHealthAndStatusLabels() {
        #expect(UpstreamFailure(kind: .invalidRequest, message: "").countsAgainstHealth == false)
        #expect(UpstreamFailure(kind: .upstreamAuth, message: "").countsAgainstHealth)
        #expect(UpstreamFailure(kind: .connect, message: "").statusLabel == "connect")
        #expect(UpstreamFailure(kind: .serverError, status: 500, message: "").statusLabel == "500")
    }
}
