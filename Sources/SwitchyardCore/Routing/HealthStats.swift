/// A summary of a deployment's recent samples, computed by `SampleRing.stats(now:window:)`.
///
/// Latencies are nanoseconds (see `HealthStats+Milliseconds` for display helpers).
/// Latency percentiles cover successful samples only; TTFT percentiles cover samples that
/// measured a first token.
public struct HealthStats: Sendable, Equatable {
    /// Samples inside the window.
    public var sampleCount: Int
    /// Successful samples inside the window.
    public var okCount: Int
    /// Rate-limited samples inside the window.
    public var rateLimitedCount: Int
    /// Error, timeout and connect-failure samples inside the window.
    public var failureCount: Int
    /// Median latency of successful samples.
    public var latencyP50: UInt64?
    /// 95th percentile latency of successful samples.
    public var latencyP95: UInt64?
    /// 99th percentile latency of successful samples.
    public var latencyP99: UInt64?
    /// Median time to first token.
    public var ttftP50: UInt64?
    /// 95th percentile time to first token.
    public var ttftP95: UInt64?
    /// Share of non-ok samples in the window, 0...1 (0 when there are none).
    public var errorRate: Double
    /// Share of non-ok samples, each weighted by recency (1 now, falling linearly to 0 at
    /// the window's start), so a recovered deployment's old errors fade out.
    public var recentErrorRate: Double
    /// Timestamp of the newest sample in the ring (even outside the window).
    public var lastSampleAt: UInt64?

    /// Creates stats; mostly for tests.
    public init(
        sampleCount: Int = 0,
        okCount: Int = 0,
        rateLimitedCount: Int = 0,
        failureCount: Int = 0,
        latencyP50: UInt64? = nil,
        latencyP95: UInt64? = nil,
        latencyP99: UInt64? = nil,
        ttftP50: UInt64? = nil,
        ttftP95: UInt64? = nil,
        errorRate: Double = 0,
        recentErrorRate: Double = 0,
        lastSampleAt: UInt64? = nil
    ) {
        self.sampleCount = sampleCount
        self.okCount = okCount
        self.rateLimitedCount = rateLimitedCount
        self.failureCount = failureCount
        self.latencyP50 = latencyP50
        self.latencyP95 = latencyP95
        self.latencyP99 = latencyP99
        self.ttftP50 = ttftP50
        self.ttftP95 = ttftP95
        self.errorRate = errorRate
        self.recentErrorRate = recentErrorRate
        self.lastSampleAt = lastSampleAt
    }

    /// Stats of a deployment with no samples.
    public static let empty = HealthStats()
}
