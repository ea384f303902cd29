/// What the scheduler knows about one deployment at one instant: a cheap copy of its
/// moving averages, load and breaker availability.
public struct DeploymentSnapshot: Sendable, Equatable {
    /// Peak-EWMA of whole-attempt latency in nanoseconds; nil with no latency data.
    public var latency: UInt64?
    /// Peak-EWMA of time to first token in nanoseconds; nil with no stream data.
    public var timeToFirstToken: UInt64?
    /// Moving share of failed attempts, 0...1.
    public var errorRate: Double
    /// Attempts currently in flight.
    public var inFlight: Int
    /// Samples recorded since start.
    public var sampleCount: UInt64
    /// Timestamp of the newest sample; nil with no samples.
    public var lastSampleAt: UInt64?
    /// Whether the circuit breaker lets the deployment be picked.
    public var breaker: CircuitBreaker.Availability

    /// Creates a snapshot; the scheduler tests build these directly.
    public init(
        latency: UInt64? = nil,
        timeToFirstToken: UInt64? = nil,
        errorRate: Double = 0,
        inFlight: Int = 0,
        sampleCount: UInt64 = 0,
        lastSampleAt: UInt64? = nil,
        breaker: CircuitBreaker.Availability = .closed
    ) {
        self.latency = latency
        self.timeToFirstToken = timeToFirstToken
        self.errorRate = errorRate
        self.inFlight = inFlight
        self.sampleCount = sampleCount
        self.lastSampleAt = lastSampleAt
        self.breaker = breaker
    }

    /// The latency to plan with: TTFT for streams (falling back to whole latency).
    @inline(__always)
    public func expectedLatency(stream: Bool) -> UInt64? {
        stream ? (timeToFirstToken ?? latency) : latency
    }
}
