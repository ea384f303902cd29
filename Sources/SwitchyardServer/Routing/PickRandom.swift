import Synchronization

/// The uniform values the scheduler's picks draw (`weighted`, exploring stale data):
/// SplitMix64 over one atomic counter, seeded once per process.
///
/// `Double.random(in:)` asks the kernel (`getrandom`) on every call on Linux, one system
/// call per request for a value that only spreads load; this costs an atomic add.
enum PickRandom {
    private static let state = Atomic<UInt64>(seed)
    private static let seed: UInt64 = {
        var generator = SystemRandomNumberGenerator()
        return generator.next()
    }()

    /// A value in 0..<1.
    static func unit() -> Double {
        let value = SplitMix64.mix(state.wrappingAdd(SplitMix64.gamma, ordering: .relaxed).newValue)
        // The top 53 bits: every Double in 0..<1 of that spacing, equally likely.
        return Double(value >> 11) * 0x1.0p-53
    }
}
