/// Pure decisions of the failover loop (SPEC §4): whether a failed attempt may be followed
/// by another, and what the client is told when no attempt succeeded.
public enum FailoverPolicy {
    /// One failed attempt, as remembered for the final answer.
    public struct FailedAttempt: Sendable, Equatable {
        public let deployment: Deployment
        public let failure: UpstreamFailure

        public init(deployment: Deployment, failure: UpstreamFailure) {
            self.deployment = deployment
            self.failure = failure
        }
    }

    /// What to do after a failed attempt.
    public enum Decision: Sendable, Equatable {
        /// Try another deployment (or the same one after a backoff).
        case tryAnother
        /// Stop and answer the client with this error.
        case stop(GatewayError)
    }

    /// Decides after `failures` (the newest last) whether another attempt may be made.
    public static func afterFailure(
        _ failures: [FailedAttempt],
        plan: RoutePlan,
        deadlineExpired: Bool
    ) -> Decision {
        guard let last = failures.last else { return .stop(noHealthyProvider(plan)) }
        if last.failure.isClientError || !last.failure.isRetryable(under: plan.retryOn) {
            return .stop(finalError(failures, plan: plan, deadlineExpired: deadlineExpired))
        }
        if deadlineExpired || failures.count >= plan.maxAttempts {
            return .stop(finalError(failures, plan: plan, deadlineExpired: deadlineExpired))
        }
        return .tryAnother
    }

    /// The client's answer when attempts ran out (or none could be made).
    public static func finalError(
        _ failures: [FailedAttempt],
        plan: RoutePlan,
        deadlineExpired: Bool
    ) -> GatewayError {
        guard let last = failures.last else {
            return deadlineExpired ? slaExceeded(plan) : noHealthyProvider(plan)
        }
        if last.failure.isClientError {
            // The request itself was refused: the client gets the upstream's reason.
            let failure = last.failure
            return GatewayError(
                .upstreamRejected,
                message: failure.message,
                param: failure.param,
                status: failure.kind == .tooLarge ? 413 : 400,
                apiCode: failure.code ?? apiCode(for: failure.kind)
            )
        }
        if deadlineExpired {
            return slaExceeded(plan)
        }
        let allRateLimited = failures.allSatisfy { $0.failure.kind == .rateLimited || $0.failure.kind == .quotaExhausted }
        if allRateLimited {
            // Any adapter may set the value: keep only sane ones so `Int(_:)` cannot trap.
            let waits = failures.compactMap(\.failure.retryAfterSeconds).filter { $0.isFinite && $0 >= 0 }
            let retryAfter = max(1, Int(min(waits.min() ?? 1, 86_400).rounded(.up)))
            return GatewayError(
                .rateLimited,
                message: "Every eligible deployment for '\(plan.name)' is rate limited: \(describe(failures)).",
                retryAfterSeconds: retryAfter
            )
        }
        return GatewayError(
            .upstreamFailed,
            message: "Every attempt for '\(plan.name)' failed: \(describe(failures))."
        )
    }

    /// No deployment could be tried at all.
    public static func noHealthyProvider(_ plan: RoutePlan) -> GatewayError {
        GatewayError(
            .noHealthyProvider,
            message: "No healthy deployment can serve '\(plan.name)' right now."
        )
    }

    /// The SLA ran out before an answer.
    public static func slaExceeded(_ plan: RoutePlan) -> GatewayError {
        GatewayError(
            .slaExceeded,
            message: "No answer for '\(plan.name)' within its SLA of \(plan.slaMs) ms."
        )
    }

    /// `provider (status), provider (status)`: never URLs, keys or upstream bodies.
    public static func describe(_ failures: [FailedAttempt]) -> String {
        failures.map { "\($0.deployment.provider) (\($0.failure.statusLabel))" }.joined(separator: ", ")
    }

    static func apiCode(for kind: UpstreamFailure.Kind) -> String? {
        switch kind {
        case .contextLength: "context_length_exceeded"
        case .contentFiltered: "content_filter"
        case .tooLarge: "request_too_large"
        default: nil
        }
    }
}
