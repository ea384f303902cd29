extension Scheduler {
    /// The scoring knobs; durations in nanoseconds.
    public struct Configuration: Sendable, Equatable {
        /// Latency score multiplier per unit of error rate: score × (1 + penalty × rate).
        public var errorPenalty: Double
        /// Latency score multiplier per attempt in flight: score × (1 + factor × inFlight).
        public var loadFactor: Double
        /// Data older than this is stale and may be re-explored.
        public var staleAfter: UInt64
        /// Chance (0...1) that a pick explores the stalest idle deployment instead of the best.
        public var explorationProbability: Double
        /// Latency assumed for a deployment whose samples carry no latency (only failures,
        /// or no data while an exploration is already in flight).
        public var unknownLatencyPrior: UInt64
        /// Error rate at or above which `cost` and `priority` rank a deployment after the
        /// healthy ones.
        public var unhealthyErrorRate: Double

        /// Creates a configuration with defaults tuned for "fastest healthy wins".
        public init(
            errorPenalty: Double = 5,
            loadFactor: Double = 0.05,
            staleAfter: UInt64 = 30_000_000_000,
            explorationProbability: Double = 0.05,
            unknownLatencyPrior: UInt64 = 1_000_000_000,
            unhealthyErrorRate: Double = 0.5
        ) {
            self.errorPenalty = errorPenalty
            self.loadFactor = loadFactor
            self.staleAfter = staleAfter
            self.explorationProbability = explorationProbability
            self.unknownLatencyPrior = unknownLatencyPrior
            self.unhealthyErrorRate = unhealthyErrorRate
        }
    }
}
