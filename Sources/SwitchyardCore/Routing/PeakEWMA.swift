/// The arithmetic of a peak-sensitive, time-decayed moving average of latency kept in one
/// atomic word: bits 32-63 hold the last update time in microseconds (wrapping, about 71
/// minutes), bits 0-31 the average in microseconds (at least 1; 0 means "no data").
///
/// A sample above the average replaces it at once (so a slowdown is seen immediately); a
/// lower one pulls it down by `1 - e^(-dt/tau)`, so recovery is trusted gradually and
/// depends on elapsed time, not on request rate. (Finagle/Linkerd's peak-EWMA.)
enum PeakEWMA {
    /// The average in nanoseconds, or nil when no sample has been folded in.
    static func value(of word: UInt64) -> UInt64? {
        let micros = word & 0xFFFF_FFFF
        return micros == 0 ? nil : micros * 1_000
    }

    /// Folds one sample (nanoseconds) into `word` at `now`; `tau` is the decay time in
    /// nanoseconds. With `peakOnly`, the sample can raise the average but never lower it
    /// (used for timeouts, whose true latency is at least the time waited). With `reset`,
    /// the old average is discarded (it is too old to trust).
    static func updated(
        _ word: UInt64,
        sample: UInt64,
        now: UInt64,
        tau: UInt64,
        peakOnly: Bool = false,
        reset: Bool = false
    ) -> UInt64 {
        let sampleMicros = min(max(sample / 1_000, 1), UInt64(UInt32.max))
        let nowMicros = UInt32(truncatingIfNeeded: now / 1_000)
        let oldMicros = word & 0xFFFF_FFFF
        let lastMicros = UInt32(truncatingIfNeeded: word >> 32)
        if oldMicros == 0 || reset {
            return pack(sampleMicros, at: nowMicros)
        }
        let elapsed = Int32(bitPattern: nowMicros &- lastMicros)
        let stamp = elapsed > 0 ? nowMicros : lastMicros
        if sampleMicros >= oldMicros {
            return pack(sampleMicros, at: stamp)
        }
        if peakOnly || elapsed <= 0 {
            return pack(oldMicros, at: stamp)
        }
        let keep = decayFactor(Double(elapsed) * 1_000 / Double(max(tau, 1)))
        let blended = Double(oldMicros) * keep + Double(sampleMicros) * (1 - keep)
        return pack(min(max(UInt64(blended.rounded()), 1), UInt64(UInt32.max)), at: stamp)
    }

    private static func pack(_ micros: UInt64, at stamp: UInt32) -> UInt64 {
        UInt64(stamp) << 32 | micros
    }

    /// `e^(-x)` for `x >= 0` without libm: a 4th-order Taylor step on `x/16`, squared four
    /// times (relative error below 1e-4, which is plenty for weighting).
    static func decayFactor(_ x: Double) -> Double {
        guard x > 0 else { return 1 }
        guard x < 40 else { return 0 }
        let y = x / 16
        var result = 1 - y + y * y / 2 - y * y * y / 6 + y * y * y * y / 24
        for _ in 0..<4 { result *= result }
        return result
    }
}
