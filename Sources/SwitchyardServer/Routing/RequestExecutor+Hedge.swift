import NIOCore
import SwitchyardCore
import SwitchyardProviders

extension RequestExecutor {
    /// Events of a hedged round.
    private enum HedgeEvent<Value: Sendable>: Sendable {
        case primary(Round<Value>)
        case hedge(Round<Value>)
        case timerFired
    }

    /// Runs `primary`; if it has no answer (first byte for streams) after the route's hedge
    /// delay, sends the same request to the next-best deployment too. The first answer wins,
    /// the other is cancelled (its connection closed by the HTTP client), and the outcome is
    /// counted as a hedge won or lost.
    func raceWithHedge<Value: Sendable>(
        primary: Permitted,
        hedge: HedgeConfig,
        plan: RoutePlan,
        picker: RoutePicker,
        deadline: ContinuousClock.Instant,
        routeDeadline: Deadline,
        stream: Bool,
        excluded: inout CandidateMask,
        operation: @escaping Operation<Value>
    ) async -> Round<Value> {
        let delay = hedgeDelay(hedge, health: primary.ticket.health, stream: stream, plan: plan)
        var excludedNow = excluded
        let result: Round<Value> = await withTaskGroup(of: HedgeEvent<Value>.self) { group in
            group.addTask { .primary(await self.attempt(primary, deadline: deadline, stream: stream, operation: operation)) }
            group.addTask {
                try? await Task.sleep(for: delay)
                return .timerFired
            }
            var failures: [FailoverPolicy.FailedAttempt] = []
            var primaryDone = false
            var hedgeRunning = false
            var hedgeDone = false
            while let event = await group.next() {
                switch event {
                case .timerFired:
                    guard !primaryDone, !Task.isCancelled,
                        let second = nextTicket(plan: plan, picker: picker, deadline: routeDeadline, stream: stream, excluded: &excludedNow)
                    else { continue }
                    hedgeRunning = true
                    group.addTask { .hedge(await self.attempt(second, deadline: deadline, stream: stream, operation: operation)) }
                case .primary(let round):
                    primaryDone = true
                    switch round {
                    case .served:
                        group.cancelAll()
                        if hedgeRunning { observer.hedge(route: plan.name, won: false) }
                        return round
                    case .failed(let failed):
                        failures += failed
                        if !hedgeRunning || hedgeDone {
                            group.cancelAll()
                            return .failed(failures)
                        }
                    }
                case .hedge(let round):
                    hedgeDone = true
                    switch round {
                    case .served:
                        group.cancelAll()
                        observer.hedge(route: plan.name, won: true)
                        return round
                    case .failed(let failed):
                        failures += failed
                        if primaryDone {
                            group.cancelAll()
                            return .failed(failures)
                        }
                    }
                }
            }
            return .failed(failures)
        }
        excluded = excludedNow
        return result
    }

    /// `after_ms`, or the deployment's own p95 (TTFT for streams) when `after: p95`; half
    /// the SLA while it has no data yet.
    func hedgeDelay(_ hedge: HedgeConfig, health: DeploymentHealth, stream: Bool, plan: RoutePlan) -> Duration {
        switch hedge {
        case .afterMs(let ms):
            return .milliseconds(ms)
        case .afterP95:
            let stats = health.stats(now: MonotonicTime.nowNanos())
            if let p95 = stream ? (stats.ttftP95 ?? stats.latencyP95) : stats.latencyP95 {
                return .nanoseconds(Int64(clamping: p95))
            }
            return .milliseconds(plan.slaMs / 2)
        }
    }
}
