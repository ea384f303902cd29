extension SampleRing {
    /// The default stats window: the last 60 seconds.
    public static let defaultWindow: UInt64 = 60_000_000_000

    /// Summarises the samples of the last `window` nanoseconds before `now`.
    ///
    /// Never blocks writers; uses stack buffers of `capacity` words for the percentiles.
    /// Samples stamped after `now` (another thread's clock read raced ours) count as new.
    public func stats(now: UInt64, window: UInt64 = SampleRing.defaultWindow) -> HealthStats {
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: capacity) { latencies in
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: capacity) { ttfts in
                collect(now: now, window: window, latencies: latencies, ttfts: ttfts)
            }
        }
    }

    private func collect(
        now: UInt64,
        window: UInt64,
        latencies: UnsafeMutableBufferPointer<UInt64>,
        ttfts: UnsafeMutableBufferPointer<UInt64>
    ) -> HealthStats {
        var stats = HealthStats()
        var latencyCount = 0
        var ttftCount = 0
        var weightedFailures = 0.0
        var weightTotal = 0.0
        let span = Double(max(window, 1))
        for index in 0..<capacity {
            guard let sample = readSlot(index) else { continue }
            stats.lastSampleAt = max(stats.lastSampleAt ?? 0, sample.timestamp)
            let age = now >= sample.timestamp ? now - sample.timestamp : 0
            guard age <= window else { continue }
            stats.sampleCount += 1
            let weight = 1 - Double(age) / span
            weightTotal += weight
            switch sample.outcome {
            case .ok:
                stats.okCount += 1
                latencies[latencyCount] = sample.latency
                latencyCount += 1
            case .rateLimited:
                stats.rateLimitedCount += 1
                weightedFailures += weight
            case .error, .timeout, .connect:
                stats.failureCount += 1
                weightedFailures += weight
            }
            if let ttft = sample.timeToFirstToken {
                ttfts[ttftCount] = ttft
                ttftCount += 1
            }
        }
        if stats.sampleCount > 0 {
            stats.errorRate = Double(stats.sampleCount - stats.okCount) / Double(stats.sampleCount)
        }
        if weightTotal > 0 {
            stats.recentErrorRate = weightedFailures / weightTotal
        }
        var sortedLatencies = UnsafeMutableBufferPointer(rebasing: latencies[0..<latencyCount])
        sortedLatencies.sort()
        stats.latencyP50 = Self.percentile(0.50, ofSorted: UnsafeBufferPointer(sortedLatencies))
        stats.latencyP95 = Self.percentile(0.95, ofSorted: UnsafeBufferPointer(sortedLatencies))
        stats.latencyP99 = Self.percentile(0.99, ofSorted: UnsafeBufferPointer(sortedLatencies))
        var sortedTTFTs = UnsafeMutableBufferPointer(rebasing: ttfts[0..<ttftCount])
        sortedTTFTs.sort()
        stats.ttftP50 = Self.percentile(0.50, ofSorted: UnsafeBufferPointer(sortedTTFTs))
        stats.ttftP95 = Self.percentile(0.95, ofSorted: UnsafeBufferPointer(sortedTTFTs))
        return stats
    }

    /// The nearest-rank percentile (`p` in 0...1) of sorted values; nil when empty.
    ///
    /// The smallest value with at least `p` of the values at or below it.
    public static func percentile(_ p: Double, ofSorted values: UnsafeBufferPointer<UInt64>) -> UInt64? {
        guard !values.isEmpty else { return nil }
        // The epsilon keeps 0.95 * 100 (95.00000000000001 in binary) at rank 95.
        let rank = (p * Double(values.count) - 1e-9).rounded(.up)
        let index = min(max(Int(rank) - 1, 0), values.count - 1)
        return values[index]
    }
}
