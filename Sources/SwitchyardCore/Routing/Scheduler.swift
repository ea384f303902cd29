/// Chooses which deployment to try next under a route's strategy. Pure and allocation-free:
/// the same candidates and context always give the same pick.
///
/// Never picks a candidate whose breaker is unavailable or that is in `context.excluded`;
/// considers at most the first 64 candidates. Call again with the picked index excluded
/// to get the failover order. A `trialAvailable` candidate can be picked; the caller then
/// asks `DeploymentHealth.acquirePermit(now:)` and, if denied (another request took the
/// trial), picks again with it excluded.
///
/// SLA policy: `latency`, `cost` and `priority` prefer candidates expected to fit in
/// `context.remaining`; when none does they still return the best one, with
/// `meetsSLA == false`, so the request is tried rather than refused (the deadline still
/// bounds the attempt). `weighted` and `round_robin` ignore the SLA except to report it.
public struct Scheduler: Sendable {
    /// The scoring knobs.
    public var configuration: Configuration

    /// Creates a scheduler.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// The best candidate under `strategy`, or nil when none may be picked.
    @inlinable
    public func pick<Candidates: RandomAccessCollection>(
        _ strategy: RoutingStrategy,
        from candidates: Candidates,
        context: PickContext
    ) -> SchedulerPick? where Candidates.Element == RoutingCandidate, Candidates.Index == Int {
        switch strategy {
        case .latency: pickByLatency(candidates, context)
        case .cost: pickByRank(candidates, context, byPrice: true)
        case .priority: pickByRank(candidates, context, byPrice: false)
        case .weighted: pickWeighted(candidates, context)
        case .roundRobin: pickRoundRobin(candidates, context)
        }
    }

    /// Whether a candidate may be picked at all.
    @inlinable
    static func isEligible(_ candidate: RoutingCandidate, offset: Int, _ context: PickContext) -> Bool {
        candidate.snapshot.breaker != .unavailable && !context.excluded.contains(offset)
    }

    /// Whether a candidate is expected to answer within the remaining SLA (unknown → yes).
    @inlinable
    func fits(_ candidate: RoutingCandidate, _ context: PickContext) -> Bool {
        guard let remaining = context.remaining else { return true }
        guard let expected = candidate.snapshot.expectedLatency(stream: context.isStream) else { return true }
        return expected <= remaining
    }

    @inlinable
    func pickByRank<Candidates: RandomAccessCollection>(
        _ candidates: Candidates,
        _ context: PickContext,
        byPrice: Bool
    ) -> SchedulerPick? where Candidates.Element == RoutingCandidate, Candidates.Index == Int {
        var best: (offset: Int, tier: Int, price: Double, fits: Bool)?
        for offset in 0..<min(candidates.count, 64) {
            let candidate = candidates[candidates.startIndex + offset]
            guard Self.isEligible(candidate, offset: offset, context) else { continue }
            let fits = fits(candidate, context)
            let unhealthy = candidate.snapshot.errorRate >= configuration.unhealthyErrorRate
            let tier = (fits ? 0 : 2) + (unhealthy ? 1 : 0)
            let price = byPrice ? (candidate.pricePerMillionTokens ?? .infinity) : 0
            if let current = best, (current.tier, current.price) <= (tier, price) { continue }
            best = (offset, tier, price, fits)
        }
        return best.map { SchedulerPick(index: $0.offset, meetsSLA: $0.fits) }
    }

    @inlinable
    func pickWeighted<Candidates: RandomAccessCollection>(
        _ candidates: Candidates,
        _ context: PickContext
    ) -> SchedulerPick? where Candidates.Element == RoutingCandidate, Candidates.Index == Int {
        let limit = min(candidates.count, 64)
        var total = 0.0
        var firstEligible: Int?
        for offset in 0..<limit {
            let candidate = candidates[candidates.startIndex + offset]
            guard Self.isEligible(candidate, offset: offset, context) else { continue }
            firstEligible = firstEligible ?? offset
            if candidate.weight > 0 && candidate.weight.isFinite { total += candidate.weight }
        }
        guard let firstEligible else { return nil }
        var chosen = firstEligible
        if total > 0 {
            let target = min(max(context.random, 0), 1) * total
            var cumulative = 0.0
            for offset in 0..<limit {
                let candidate = candidates[candidates.startIndex + offset]
                guard Self.isEligible(candidate, offset: offset, context),
                    candidate.weight > 0 && candidate.weight.isFinite
                else { continue }
                chosen = offset
                cumulative += candidate.weight
                if target < cumulative { break }
            }
        }
        let candidate = candidates[candidates.startIndex + chosen]
        return SchedulerPick(index: chosen, meetsSLA: fits(candidate, context))
    }

    @inlinable
    func pickRoundRobin<Candidates: RandomAccessCollection>(
        _ candidates: Candidates,
        _ context: PickContext
    ) -> SchedulerPick? where Candidates.Element == RoutingCandidate, Candidates.Index == Int {
        let limit = min(candidates.count, 64)
        guard limit > 0 else { return nil }
        let start = Int(context.rotation % UInt64(limit))
        for step in 0..<limit {
            let offset = (start + step) % limit
            let candidate = candidates[candidates.startIndex + offset]
            if Self.isEligible(candidate, offset: offset, context) {
                return SchedulerPick(index: offset, meetsSLA: fits(candidate, context))
            }
        }
        return nil
    }
}
