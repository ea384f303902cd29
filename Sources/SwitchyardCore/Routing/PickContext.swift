/// The per-pick inputs of `Scheduler.pick`: time, remaining budget, request kind,
/// already-tried candidates and injected randomness (so tests are deterministic).
public struct PickContext: Sendable, Equatable {
    /// Now, in nanoseconds on the health clock.
    public var now: UInt64
    /// Time left of the SLA in nanoseconds; nil when unbounded.
    public var remaining: UInt64?
    /// Whether the request streams (plan with TTFT instead of whole latency).
    public var isStream: Bool
    /// Candidates not to pick (already tried).
    public var excluded: CandidateMask
    /// A uniform random value in 0..<1, for `weighted` and for exploring stale data.
    public var random: Double
    /// A counter that advances once per request, for `round_robin`.
    public var rotation: UInt64

    /// Creates a context.
    public init(
        now: UInt64,
        remaining: UInt64? = nil,
        isStream: Bool = false,
        excluded: CandidateMask = .none,
        random: Double = 0.5,
        rotation: UInt64 = 0
    ) {
        self.now = now
        self.remaining = remaining
        self.isStream = isStream
        self.excluded = excluded
        self.random = random
        self.rotation = rotation
    }
}

/// The scheduler's answer: which candidate, and why.
public struct SchedulerPick: Sendable, Equatable {
    /// Index into the candidates.
    public var index: Int
    /// False when the candidate is not expected to answer within the remaining SLA (no
    /// candidate was; it is still the best one to try).
    public var meetsSLA: Bool
    /// True when picked to gather data (no or stale samples) rather than on its score.
    public var explored: Bool

    /// Creates a pick.
    public init(index: Int, meetsSLA: Bool = true, explored: Bool = false) {
        self.index = index
        self.meetsSLA = meetsSLA
        self.explored = explored
    }
}
