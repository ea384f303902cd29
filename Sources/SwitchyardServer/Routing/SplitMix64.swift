/// SplitMix64's pieces, shared by the request ids (`RequestIdentity`) and the scheduler's
/// random values (`PickRandom`): cheap, well-mixed 64-bit values from a counter, not for
/// secrets.
enum SplitMix64 {
    /// The counter's step (2^64 divided by the golden ratio, odd).
    static let gamma: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// The finaliser: a bijection on 64-bit values that spreads every input bit.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
