extension DeploymentHealth {
    /// How a deployment's health data is kept; durations in nanoseconds.
    public struct Configuration: Sendable, Equatable {
        /// Samples kept in the ring (rounded up to a power of two).
        public var ringCapacity: Int
        /// The circuit breaker's thresholds.
        public var breaker: CircuitBreaker.Configuration
        /// Decay time of the latency averages: how fast a recovered deployment is trusted.
        public var latencyDecay: UInt64
        /// Weight of each new sample in the moving error rate, 0...1.
        public var errorSmoothing: Double
        /// Averages older than this are discarded by the next sample instead of blended.
        public var resetAfter: UInt64

        /// Creates a configuration with defaults: 256 samples, 5 s decay, 1/8 smoothing.
        public init(
            ringCapacity: Int = 256,
            breaker: CircuitBreaker.Configuration = CircuitBreaker.Configuration(),
            latencyDecay: UInt64 = 5_000_000_000,
            errorSmoothing: Double = 0.125,
            resetAfter: UInt64 = 1_800_000_000_000
        ) {
            self.ringCapacity = ringCapacity
            self.breaker = breaker
            self.latencyDecay = latencyDecay
            self.errorSmoothing = min(max(errorSmoothing, 0), 1)
            self.resetAfter = resetAfter
        }
    }
}
