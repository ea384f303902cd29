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
        let value = mix(state.wrappingAdd(0x9E37_79B9_7F4A_7C15, ordering: .relaxed).newValue)
        // The top 53 bits: every Double in 0..<1 of that spacing, equally likely.
        return Double(value >> 11) * 0x1.0p-53
    }

    /// SplitMix64's finaliser.
    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
