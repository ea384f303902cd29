import Synchronization

/// A route's deployments with their live health, ready to pick from on the hot path.
///
/// Built once per route (the targets never change); `pick` reads each deployment's
/// lock-free snapshot on the fly, so it neither locks nor allocates.
public final class RoutePicker: Sendable {
    /// One deployment of the route and its static routing data.
    public struct Target: Sendable {
        /// The deployment's shared health data.
        public let health: DeploymentHealth
        /// Catalog price, input plus output dollars per million tokens; nil when unknown.
        public let pricePerMillionTokens: Double?
        /// Weight for `weighted`.
        public let weight: Double

        /// Creates a target.
        public init(health: DeploymentHealth, pricePerMillionTokens: Double? = nil, weight: Double = 1) {
            self.health = health
            self.pricePerMillionTokens = pricePerMillionTokens
            self.weight = weight
        }
    }

    /// The route's strategy.
    public let strategy: RoutingStrategy
    /// The deployments, in listed order (only the first 64 are considered).
    public let targets: [Target]
    /// The scoring rules.
    public let scheduler: Scheduler
    private let rotation = Atomic<UInt64>(0)

    /// Creates a route scheduler.
    public init(strategy: RoutingStrategy, targets: [Target], scheduler: Scheduler = Scheduler()) {
        self.strategy = strategy
        self.targets = targets
        self.scheduler = scheduler
    }

    /// Picks the next deployment to try, or nil when none may be picked.
    ///
    /// Pass the indices already tried in `excluded`; the round-robin rotation advances only
    /// on a request's first pick (empty `excluded`). `random` is uniform in 0..<1.
    public func pick(
        now: UInt64,
        deadline: Deadline?,
        isStream: Bool,
        excluded: CandidateMask = .none,
        random: Double
    ) -> SchedulerPick? {
        let turn: UInt64
        if strategy == .roundRobin && excluded.bits == 0 {
            turn = rotation.wrappingAdd(1, ordering: .relaxed).oldValue
        } else {
            turn = rotation.load(ordering: .relaxed) &- 1
        }
        let context = PickContext(
            now: now,
            remaining: deadline?.remaining(now: now),
            isStream: isStream,
            excluded: excluded,
            random: random,
            rotation: turn
        )
        return scheduler.pick(strategy, from: LiveCandidates(targets: targets, now: now), context: context)
    }

    /// The candidates as they are now, for `/health` and debugging.
    public func candidates(now: UInt64) -> [RoutingCandidate] {
        Array(LiveCandidates(targets: targets, now: now))
    }
}

/// The route's targets viewed as candidates, each snapshot read when accessed.
struct LiveCandidates: RandomAccessCollection {
    let targets: [RoutePicker.Target]
    let now: UInt64

    var startIndex: Int { 0 }
    var endIndex: Int { targets.count }

    subscript(position: Int) -> RoutingCandidate {
        let target = targets[position]
        return RoutingCandidate(
            snapshot: target.health.snapshot(now: now),
            pricePerMillionTokens: target.pricePerMillionTokens,
            weight: target.weight
        )
    }
}
