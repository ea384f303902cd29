/// A set of candidate indices (0..<64) as a bit mask: the deployments already tried, so
/// repeated picks yield the failover order.
public struct CandidateMask: Sendable, Hashable {
    /// Bit `i` set means candidate `i` is in the set.
    public var bits: UInt64

    /// The empty set.
    public static let none = CandidateMask(bits: 0)

    /// Creates a mask from raw bits.
    public init(bits: UInt64 = 0) {
        self.bits = bits
    }

    /// Whether index `i` is in the set; indices outside 0..<64 never are.
    @inline(__always)
    public func contains(_ index: Int) -> Bool {
        index >= 0 && index < 64 && bits & (1 << UInt64(index)) != 0
    }

    /// Adds index `i` (ignored outside 0..<64).
    public mutating func insert(_ index: Int) {
        guard index >= 0 && index < 64 else { return }
        bits |= 1 << UInt64(index)
    }

    /// A copy with index `i` added.
    public func inserting(_ index: Int) -> CandidateMask {
        var copy = self
        copy.insert(index)
        return copy
    }

    /// How many indices are in the set.
    public var count: Int { bits.nonzeroBitCount }
}
