extension HealthStats {
    /// Median latency in milliseconds, for `/health` and logs.
    public var latencyP50Ms: Double? { latencyP50.map(Self.milliseconds) }
    /// 95th percentile latency in milliseconds.
    public var latencyP95Ms: Double? { latencyP95.map(Self.milliseconds) }
    /// 99th percentile latency in milliseconds.
    public var latencyP99Ms: Double? { latencyP99.map(Self.milliseconds) }
    /// Median time to first token in milliseconds.
    public var ttftP50Ms: Double? { ttftP50.map(Self.milliseconds) }
    /// 95th percentile time to first token in milliseconds.
    public var ttftP95Ms: Double? { ttftP95.map(Self.milliseconds) }

    /// Converts nanoseconds to milliseconds.
    public static func milliseconds(_ nanoseconds: UInt64) -> Double {
        Double(nanoseconds) / 1_000_000
    }
}
