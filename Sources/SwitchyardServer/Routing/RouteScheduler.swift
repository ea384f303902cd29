import SwitchyardCore

/// Chooses the next deployment to try for a plan and learns from each attempt's outcome.
///
/// The server's view of the routing core: the executor asks it what to try next and tells
/// it what happened; health data and strategies live behind it.
final class RouteScheduler: Sendable {
    init() {}

    /// The best deployment of `plan` not in `excluding`, or nil if none is eligible.
    func next(plan: RoutePlan, excluding: Set<Deployment>, deadline: ContinuousClock.Instant, stream: Bool) -> Deployment? {
        plan.deployments.first { !excluding.contains($0) }
    }

    func recordSuccess(_ deployment: Deployment, latency: Duration, stream: Bool) {}

    func recordFailure(_ deployment: Deployment, failure: UpstreamFailure, latency: Duration) {}
}
