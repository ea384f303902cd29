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
    /// The winning attempt. Finished already for whole answers; a stream's relay finishes it.
    let ticket: AttemptTicket
}

/// Runs one client request over a route plan: picks deployments with the routing core,
/// tries them with failover per `FailoverPolicy` (and hedging when the route asks), all
/// inside the request's SLA. The I/O of one attempt is the `operation` closure; this type
/// decides what to try, when, and when to stop.
struct RequestExecutor: Sendable {
    let runtime: GatewayRuntime
    let planner: RoutePlanner
    let observer: ExecutionObserver

    typealias Operation<Value> = @Sendable (any ProviderAdapter, Deployment, NIODeadline) async throws(UpstreamFailure) -> Value

    /// Executes `operation` until a deployment succeeds, the policy stops, or `deadline`
    /// passes (then 504 at the deadline, not later). With `stream`, the winning ticket is
    /// left open for the relay to finish.
    func execute<Value: Sendable>(
        plan: RoutePlan,
        deadline: ContinuousClock.Instant,
        stream: Bool,
        client: ClientConnection? = nil,
        operation: @escaping Operation<Value>
    ) async throws(GatewayError) -> Served<Value> {
        let remaining = ContinuousClock.now.duration(to: deadline)
        let watch = RequestWatch(deadline: NIODeadline.now() + .nanoseconds(max(0, remaining.nanoseconds)), client: client)
        // One child task runs the attempts so that the watch can cancel it (and the upstream
        // calls under it) at the deadline or when the client goes, without cancelling the
        // connection's own task; awaiting it waits for it to unwind before answering. An
        // `async let` child is allocated from this task's own allocator, where a task group
        // and its task cost five allocations.
        async let outcome = guardedAttempts(plan: plan, deadline: deadline, stream: stream, watch: watch, operation: operation)
        return try await outcome.get()
    }

    /// The attempts under `watch`: what a fired watch ended becomes the SLA's 504 or the
    /// client's close; a success that raced the deadline is still served.
    private func guardedAttempts<Value: Sendable>(
        plan: RoutePlan,
        deadline: ContinuousClock.Instant,
        stream: Bool,
        watch: RequestWatch,
        operation: @escaping Operation<Value>
    ) async -> Result<Served<Value>, GatewayError> {
        let (outcome, fired) = await watch.guarding { () async -> Result<Served<Value>, GatewayError> in
            do throws(GatewayError) {
                return .success(try await self.attemptLoop(plan: plan, deadline: deadline, stream: stream, operation: operation))
            } catch {
                return .failure(error)
            }
        }
        switch (outcome, fired) {
        case (.success, _), (.failure, nil):
            return outcome
        case (.failure, .deadline):
            return .failure(FailoverPolicy.slaExceeded(plan))
        case (.failure, .clientClosed):
            return .failure(.clientClosed)
        }
    }

    /// The outcome of one attempt (or a primary and its hedge).
    enum Round<Value: Sendable>: Sendable {
        case served(Value, AttemptTicket)
        case failed([FailoverPolicy.FailedAttempt])
    }

    private func attemptLoop<Value: Sendable>(
        plan: RoutePlan,
        deadline: ContinuousClock.Instant,
        stream: Bool,
        operation: @escaping Operation<Value>
    ) async throws(GatewayError) -> Served<Value> {
        let clock = ContinuousClock()
        let picker = planner.picker(for: plan)
        let routeDeadline = Deadline(start: MonotonicTime.nowNanos(), sla: UInt64(max(0, clock.now.duration(to: deadline).nanoseconds)))
        var failures: [FailoverPolicy.FailedAttempt] = []
        var excluded = CandidateMask.none
        var upstream = Duration.zero
        var retriedSame = false

        while true {
            guard let primary = nextTicket(plan: plan, picker: picker, deadline: routeDeadline, stream: stream, excluded: &excluded) else {
                // Every deployment was tried: one more round after a jittered backoff when
                // the last failure was transient and attempts remain.
                if !retriedSame, let last = failures.last, failures.count < plan.maxAttempts,
                    Self.worthRetryingSameDeployment(last.failure)
                {
                    retriedSame = true
                    let backoff = Duration.milliseconds(25 * failures.count + Int.random(in: 0...25))
                    guard clock.now + backoff < deadline else { break }
                    try? await Task.sleep(for: backoff)
                    excluded = .none
                    continue
                }
                break
            }
            if Task.isCancelled || clock.now >= deadline {
                primary.ticket.cancel()
                throw FailoverPolicy.finalError(failures, plan: plan, deadlineExpired: true)
            }
            let started = clock.now
            let round: Round<Value>
            if let hedge = plan.hedge {
                round = await raceWithHedge(
                    primary: primary, hedge: hedge, plan: plan, picker: picker, deadline: deadline,
                    routeDeadline: routeDeadline, stream: stream, excluded: &excluded, operation: operation
                )
            } else {
                round = await attempt(primary, deadline: deadline, stream: stream, operation: operation)
            }
            upstream += clock.now - started
            switch round {
            case .served(let value, let ticket):
                if let first = failures.first, first.deployment != ticket.deployment {
                    observer.fallback(route: plan.name, from: first.deployment.provider, to: ticket.deployment.provider)
                }
                return Served(value: value, deployment: ticket.deployment, attempts: failures.count + 1, upstreamDuration: upstream, ticket: ticket)
            case .failed(let failed):
                failures.append(contentsOf: failed)
                for failure in failed {
                    runtime.logger.info(
                        "attempt failed",
                        metadata: [
                            "route": "\(plan.name)", "provider": "\(failure.deployment.provider)",
                            "failure": "\(failure.failure.kind.rawValue)", "status": "\(failure.failure.statusLabel)",
                        ]
                    )
                }
                if Task.isCancelled {
                    throw FailoverPolicy.finalError(failures, plan: plan, deadlineExpired: true)
                }
                if let last = failed.last, last.failure.kind == .contextLength,
                    failures.count < plan.maxAttempts, clock.now < deadline,
                    excludeSmallerContexts(than: last.deployment, plan: plan, excluded: &excluded)
                {
                    continue  // a deployment with a larger context window may take it
                }
                switch FailoverPolicy.afterFailure(failures, plan: plan, deadlineExpired: clock.now >= deadline) {
                case .tryAnother: continue
                case .stop(let gatewayError): throw gatewayError
                }
            }
        }
        throw FailoverPolicy.finalError(failures, plan: plan, deadlineExpired: false)
    }

    /// A picked deployment whose breaker let the attempt go.
    struct Permitted: Sendable {
        let index: Int
        let ticket: AttemptTicket
    }

    /// Picks the best remaining deployment whose breaker grants an attempt.
    func nextTicket(
        plan: RoutePlan, picker: RoutePicker, deadline: Deadline, stream: Bool, excluded: inout CandidateMask
    ) -> Permitted? {
        while true {
            let now = MonotonicTime.nowNanos()
            guard let pick = picker.pick(now: now, deadline: deadline, isStream: stream, excluded: excluded, random: PickRandom.unit()) else {
                return nil
            }
            excluded.insert(pick.index)
            let health = picker.targets[pick.index].health
            guard health.acquirePermit(now: now).allowsAttempt else { continue }
            guard runtime.adapters[plan.deployments[pick.index].provider] != nil else { continue }
            let ticket = AttemptTicket(deployment: plan.deployments[pick.index], health: health, now: now, telemetry: runtime.telemetry.attempts)
            return Permitted(index: pick.index, ticket: ticket)
        }
    }

    /// Runs one attempt and settles its ticket (a stream's success stays open).
    func attempt<Value: Sendable>(
        _ permitted: Permitted, deadline: ContinuousClock.Instant, stream: Bool, operation: Operation<Value>
    ) async -> Round<Value> {
        let ticket = permitted.ticket
        guard let adapter = runtime.adapters[ticket.deployment.provider] else {
            ticket.cancel()
            return .failed([])
        }
        let remaining = ContinuousClock.now.duration(to: deadline)
        let nioDeadline = NIODeadline.now() + .nanoseconds(max(0, remaining.nanoseconds))
        do {
            let value = try await operation(adapter, ticket.deployment, nioDeadline)
            if stream {
                ticket.markFirstByte()
            } else {
                ticket.succeed()
            }
            return .served(value, ticket)
        } catch {
            if Task.isCancelled {
                // Abandoned: by the SLA (a timeout for this deployment) or by a hedge/client.
                if ContinuousClock.now >= deadline {
                    let timeout = UpstreamFailure(kind: .timeout, message: "no answer within the SLA")
                    ticket.fail(timeout)
                    return .failed([.init(deployment: ticket.deployment, failure: timeout)])
                }
                ticket.cancel()
                return .failed([])
            }
            ticket.fail(error)
            return .failed([.init(deployment: ticket.deployment, failure: error)])
        }
    }

    /// After a context-length refusal, rules out every deployment whose catalog context
    /// window is not larger than the refusing one's; true if a larger one remains.
    func excludeSmallerContexts(than refused: Deployment, plan: RoutePlan, excluded: inout CandidateMask) -> Bool {
        guard let refusedWindow = runtime.prices.entry(for: refused)?.contextWindow else { return false }
        var remains = false
        for (index, deployment) in plan.deployments.enumerated() where index < 64 && !excluded.contains(index) {
            if let window = runtime.prices.entry(for: deployment)?.contextWindow, window > refusedWindow {
                remains = true
            } else {
                excluded.insert(index)
            }
        }
        return remains
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
