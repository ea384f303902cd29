/// One observation of a deployment: how long an attempt took and how it ended.
///
/// All times are nanoseconds; `timestamp` is on the caller's monotonic clock.
public struct HealthSample: Sendable, Hashable {
    /// Whole-attempt latency in nanoseconds.
    public var latency: UInt64
    /// Time to first token in nanoseconds, for streams; nil when not measured.
    public var timeToFirstToken: UInt64?
    /// How the attempt ended.
    public var outcome: UpstreamOutcome
    /// When the attempt ended, in nanoseconds on the caller's monotonic clock.
    public var timestamp: UInt64

    /// Creates a sample.
    public init(latency: UInt64, timeToFirstToken: UInt64? = nil, outcome: UpstreamOutcome, timestamp: UInt64) {
        self.latency = latency
        self.timeToFirstToken = timeToFirstToken
        self.outcome = outcome
        self.timestamp = timestamp
    }
}

extension HealthSample {
    /// The largest time to first token that survives packing (about 1.1 years).
    static let maxPackedTTFT: UInt64 = (1 << 55) - 1

    /// The outcome and TTFT packed into one word: outcome in bits 56-63, a has-TTFT flag in
    /// bit 55, the TTFT (clamped) in bits 0-54.
    var packedOutcomeAndTTFT: UInt64 {
        var word = UInt64(outcome.rawValue) << 56
        if let ttft = timeToFirstToken {
            word |= 1 << 55
            word |= min(ttft, Self.maxPackedTTFT)
        }
        return word
    }

    /// Rebuilds a sample from its three stored words; nil if the outcome bits are invalid.
    init?(timestamp: UInt64, latency: UInt64, packed: UInt64) {
        guard let outcome = UpstreamOutcome(rawValue: UInt8(truncatingIfNeeded: packed >> 56)) else {
            return nil
        }
        let hasTTFT = packed & (1 << 55) != 0
        self.init(
            latency: latency,
            timeToFirstToken: hasTTFT ? packed & Self.maxPackedTTFT : nil,
            outcome: outcome,
            timestamp: timestamp
        )
    }
}
