extension Scheduler {
    /// The latency strategy's score of a candidate (lower is better), in nanoseconds:
    /// expected latency × (1 + errorPenalty × errorRate) × (1 + loadFactor × inFlight).
    @inlinable
    public func latencyScore(_ snapshot: DeploymentSnapshot, isStream: Bool) -> Double {
        let expected = snapshot.expectedLatency(stream: isStream) ?? configuration.unknownLatencyPrior
        let errorRate = min(max(snapshot.errorRate, 0), 1)
        return Double(expected) * (1 + configuration.errorPenalty * errorRate)
            * (1 + configuration.loadFactor * Double(max(snapshot.inFlight, 0)))
    }

    /// Latency: explore a deployment with no samples and nothing in flight first (listed
    /// order); otherwise, with probability `explorationProbability`, the stalest idle
    /// deployment whose data is older than `staleAfter`; otherwise the lowest
    /// `latencyScore` among those expected to fit the SLA, else the lowest overall.
    @inlinable
    func pickByLatency<Candidates: RandomAccessCollection>(
        _ candidates: Candidates,
        _ context: PickContext
    ) -> SchedulerPick? where Candidates.Element == RoutingCandidate, Candidates.Index == Int {
        var bestFit: (offset: Int, score: Double)?
        var bestUnfit: (offset: Int, score: Double)?
        var stalest: (offset: Int, seen: UInt64)?
        for offset in 0..<min(candidates.count, 64) {
            let candidate = candidates[candidates.startIndex + offset]
            guard Self.isEligible(candidate, offset: offset, context) else { continue }
            let snapshot = candidate.snapshot
            if snapshot.sampleCount == 0 && snapshot.inFlight == 0 {
                return SchedulerPick(index: offset, meetsSLA: true, explored: true)
            }
            if snapshot.inFlight == 0, let seen = snapshot.lastSampleAt,
                context.now > seen, context.now - seen > configuration.staleAfter,
                seen < stalest?.seen ?? .max
            {
                stalest = (offset, seen)
            }
            let score = latencyScore(snapshot, isStream: context.isStream)
            if fits(candidate, context) {
                if score < bestFit?.score ?? .infinity { bestFit = (offset, score) }
            } else if score < bestUnfit?.score ?? .infinity {
                bestUnfit = (offset, score)
            }
        }
        if let stalest, context.random < configuration.explorationProbability {
            return SchedulerPick(index: stalest.offset, meetsSLA: true, explored: true)
        }
        if let bestFit { return SchedulerPick(index: bestFit.offset, meetsSLA: true) }
        if let bestUnfit { return SchedulerPick(index: bestUnfit.offset, meetsSLA: false) }
        return nil
    }
}
