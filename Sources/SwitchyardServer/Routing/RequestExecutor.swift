import Logging
import NIOCore
import SwitchyardCore
import SwitchyardProviders

/// What a successful execution returns: the value and who produced it, after how many tries.
struct Served<Value: Sendable>: Sendable {
    let value: Value
    let deployment: Deployment
    let attempts: Int
    /// Time spent waiting on upstreams across all attempts.
    let upstreamDuration: Duration
}

/// Runs one client request over a route plan: picks deployments, tries them with failover
/// per `FailoverPolicy`, all inside the request's SLA. The I/O of one attempt is the
/// `operation` closure; this type only decides what to try and when to stop.
struct RequestExecutor: Sendable {
    let runtime: GatewayRuntime
    let scheduler: RouteScheduler

    /// Executes `operation` against deployments of `plan` until one succeeds, the policy
    /// stops, or `deadline` passes (then 504 at the deadline, not later).
    func execute<Value: Sendable>(
        plan: RoutePlan,
        deadline: ContinuousClock.Instant,
        stream: Bool,
        operation: @escaping @Sendable (any ProviderAdapter, Deployment, NIODeadline) async throws(UpstreamFailure) -> Value
    ) async throws(GatewayError) -> Served<Value> {
        let result: Result<Served<Value>, GatewayError> = await withTaskGroup(of: Result<Served<Value>, GatewayError>?.self) { group in
            group.addTask {
                do throws(GatewayError) {
                    return .success(try await self.attemptLoop(plan: plan, deadline: deadline, stream: stream, operation: operation))
                } catch {
                    return .failure(error)
                }
            }
            group.addTask {
                // The SLA watchdog: wins the race only if the attempts are still running.
                try? await Task.sleep(until: deadline, clock: .continuous)
                return Task.isCancelled ? nil : .failure(FailoverPolicy.slaExceeded(plan))
            }
            var outcome: Result<Served<Value>, GatewayError> = .failure(FailoverPolicy.slaExceeded(plan))
            while let next = await group.next() {
                if let next {
                    outcome = next
                    break
                }
            }
            group.cancelAll()
            return outcome
        }
        return try result.get()
    }

    private func attemptLoop<Value: Sendable>(
        plan: RoutePlan,
        deadline: ContinuousClock.Instant,
        stream: Bool,
        operation: @Sendable (any ProviderAdapter, Deployment, NIODeadline) async throws(UpstreamFailure) -> Value
    ) async throws(GatewayError) -> Served<Value> {
        let clock = ContinuousClock()
        var failures: [FailoverPolicy.FailedAttempt] = []
        var tried: Set<Deployment> = []
        var upstream = Duration.zero
        while true {
            var candidate = scheduler.next(plan: plan, excluding: tried, deadline: deadline, stream: stream)
            if candidate == nil, let last = failures.last, failures.count < plan.maxAttempts,
                Self.worthRetryingSameDeployment(last.failure)
            {
                // Every deployment was tried once: try again after a short jittered backoff.
                let backoff = Duration.milliseconds(25 * failures.count + Int.random(in: 0...25))
                guard clock.now + backoff < deadline else { break }
                try? await Task.sleep(for: backoff)
                tried.removeAll()
                candidate = scheduler.next(plan: plan, excluding: tried, deadline: deadline, stream: stream)
            }
            guard let deployment = candidate else { break }
            if Task.isCancelled || clock.now >= deadline {
                throw FailoverPolicy.finalError(failures, plan: plan, deadlineExpired: true)
            }
            tried.insert(deployment)
            guard let adapter = runtime.adapters[deployment.provider] else { continue }
            let remaining = clock.now.duration(to: deadline)
            let nioDeadline = NIODeadline.now() + .nanoseconds(Int64(remaining.nanoseconds))
            let started = clock.now
            do {
                let value = try await operation(adapter, deployment, nioDeadline)
                upstream += clock.now - started
                scheduler.recordSuccess(deployment, latency: clock.now - started, stream: stream)
                return Served(value: value, deployment: deployment, attempts: failures.count + 1, upstreamDuration: upstream)
            } catch {
                upstream += clock.now - started
                if Task.isCancelled {
                    throw FailoverPolicy.finalError(failures, plan: plan, deadlineExpired: true)
                }
                scheduler.recordFailure(deployment, failure: error, latency: clock.now - started)
                failures.append(.init(deployment: deployment, failure: error))
                runtime.logger.info(
                    "attempt failed",
                    metadata: [
                        "route": "\(plan.name)", "provider": "\(deployment.provider)",
                        "failure": "\(error.kind.rawValue)", "status": "\(error.statusLabel)",
                    ]
                )
                switch FailoverPolicy.afterFailure(failures, plan: plan, deadlineExpired: clock.now >= deadline) {
                case .tryAnother: continue
                case .stop(let gatewayError): throw gatewayError
                }
            }
        }
        throw FailoverPolicy.finalError(failures, plan: plan, deadlineExpired: false)
    }

    static func worthRetryingSameDeployment(_ failure: UpstreamFailure) -> Bool {
        switch failure.kind {
        case .serverError, .overloaded, .connect, .malformedResponse: true
        default: false
        }
    }
}

extension Duration {
    /// Whole nanoseconds, saturating.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : product + attoseconds / 1_000_000_000
    }

    /// Milliseconds as a Double, for headers and logs.
    var milliseconds: Double {
        Double(nanoseconds) / 1_000_000
    }
}
