extension CircuitBreaker {
    /// Thresholds and cool-downs of a circuit breaker; all durations in nanoseconds.
    public struct Configuration: Sendable, Equatable {
        /// Consecutive failures that open a closed circuit.
        public var failureThreshold: Int
        /// How long the circuit stays open the first time.
        public var openDuration: UInt64
        /// Each failed half-open trial multiplies the open duration by this (1 = constant).
        public var backoffMultiplier: UInt64
        /// Upper bound of the growing open duration (retry-after may exceed it).
        public var maxOpenDuration: UInt64
        /// Shortest open time after a 429 that carried `retry-after`.
        public var minimumRateLimitOpen: UInt64
        /// Open time after 401/403/404 from the upstream (a key or model problem).
        public var authOrNotFoundOpenDuration: UInt64
        /// A half-open trial that has not reported after this long is presumed lost, and
        /// another trial is granted.
        public var trialTimeout: UInt64

        /// Creates a configuration; the defaults open after 5 failures for 10 s.
        public init(
            failureThreshold: Int = 5,
            openDuration: UInt64 = 10_000_000_000,
            backoffMultiplier: UInt64 = 2,
            maxOpenDuration: UInt64 = 120_000_000_000,
            minimumRateLimitOpen: UInt64 = 1_000_000_000,
            authOrNotFoundOpenDuration: UInt64 = 300_000_000_000,
            trialTimeout: UInt64 = 60_000_000_000
        ) {
            self.failureThreshold = max(failureThreshold, 1)
            self.openDuration = openDuration
            self.backoffMultiplier = max(backoffMultiplier, 1)
            self.maxOpenDuration = max(maxOpenDuration, openDuration)
            self.minimumRateLimitOpen = minimumRateLimitOpen
            self.authOrNotFoundOpenDuration = authOrNotFoundOpenDuration
            self.trialTimeout = trialTimeout
        }
    }
}
