import Synchronization

/// A fixed-size, lock-free ring of a deployment's most recent health samples.
///
/// Any number of threads may `record` concurrently without locks or allocation; readers
/// copy samples out without blocking writers and never see a torn (half-written) sample.
///
/// Layout: each slot is four atomic words, `[sequence, timestamp, latency, outcome+ttft]`,
/// in one buffer allocated in `init`. A writer takes a ticket from `head`, claims the slot
/// with a compare-exchange of the slot's sequence to an odd "writing" value, stores the
/// fields, then publishes the even sequence `(ticket + 1) << 1` with release ordering (a
/// seqlock). Readers accept a slot only if the sequence is even and unchanged across their
/// reads. A writer that finds its slot already holding a newer ticket drops its sample
/// (it was lapped, so it is older than everything the ring holds); one that finds the slot
/// being written by an older ticket takes a fresh ticket instead of waiting.
public final class SampleRing: Sendable {
    /// The number of samples the ring holds (a power of two).
    public let capacity: Int
    private let mask: UInt64
    private let head = Atomic<UInt64>(0)
    /// Tickets given up to take a fresh one (their slot was busy).
    private let skipped = Atomic<UInt64>(0)
    /// Samples not stored: lapped by newer ones, or no free slot after all attempts.
    private let dropped = Atomic<UInt64>(0)
    /// `capacity * 4` atomic words, allocated and initialised once.
    nonisolated(unsafe) private let words: UnsafeMutablePointer<Atomic<UInt64>>

    private static let wordsPerSlot = 4
    private static let maxClaimAttempts = 8

    /// Creates an empty ring holding `capacity` samples, rounded up to a power of two (min 2).
    public init(capacity: Int = 256) {
        var size = 2
        while size < capacity { size <<= 1 }
        self.capacity = size
        self.mask = UInt64(size - 1)
        let count = size * Self.wordsPerSlot
        words = UnsafeMutablePointer<Atomic<UInt64>>.allocate(capacity: count)
        for index in 0..<count {
            (words + index).initialize(to: Atomic<UInt64>(0))
        }
    }

    deinit {
        words.deinitialize(count: capacity * Self.wordsPerSlot)
        words.deallocate()
    }

    /// Stores a sample, overwriting the oldest one. Lock-free and allocation-free.
    public func record(_ sample: HealthSample) {
        let packed = sample.packedOutcomeAndTTFT
        for attempt in 1...Self.maxClaimAttempts {
            let ticket = head.wrappingAdd(1, ordering: .relaxed).oldValue
            let stable = (ticket &+ 1) << 1
            let slot = words + Int(ticket & mask) * Self.wordsPerSlot
            let current = slot[0].load(ordering: .relaxed)
            if current >> 1 > ticket &+ 1 {
                // Lapped: the slot already holds a newer sample than ours.
                dropped.wrappingAdd(1, ordering: .relaxed)
                return
            }
            // An odd sequence means an older writer is still filling this slot: take a
            // fresh ticket rather than wait for it.
            let claimed =
                current & 1 == 0
                && slot[0].compareExchange(expected: current, desired: stable | 1, ordering: .relaxed).exchanged
            guard claimed else {
                if attempt == Self.maxClaimAttempts {
                    dropped.wrappingAdd(1, ordering: .relaxed)
                } else {
                    skipped.wrappingAdd(1, ordering: .relaxed)
                }
                continue
            }
            // Readers that see any field below must also see the odd sequence above.
            atomicMemoryFence(ordering: .releasing)
            slot[1].store(sample.timestamp, ordering: .relaxed)
            slot[2].store(sample.latency, ordering: .relaxed)
            slot[3].store(packed, ordering: .relaxed)
            slot[0].store(stable, ordering: .releasing)
            return
        }
    }

    /// How many samples were stored since creation (including overwritten ones).
    public var recordedCount: UInt64 {
        let taken = head.load(ordering: .relaxed)
        let unused = skipped.load(ordering: .relaxed) &+ dropped.load(ordering: .relaxed)
        return taken &- min(unused, taken)
    }

    /// How many samples were not stored because newer ones had already lapped them (or, in
    /// pathological contention, no slot could be claimed). Zero in normal operation.
    public var droppedCount: UInt64 {
        dropped.load(ordering: .relaxed)
    }

    /// Calls `body` with every complete sample the ring holds, oldest slot order not
    /// guaranteed. Slots being written at that moment are skipped.
    public func forEachSample(_ body: (HealthSample) throws -> Void) rethrows {
        for index in 0..<capacity {
            if let sample = readSlot(index) {
                try body(sample)
            }
        }
    }

    /// Reads one slot consistently, or nil if it is empty or being written.
    @inline(__always)
    func readSlot(_ index: Int) -> HealthSample? {
        let slot = words + index * Self.wordsPerSlot
        for _ in 0..<3 {
            let before = slot[0].load(ordering: .acquiring)
            if before == 0 { return nil }
            if before & 1 == 1 { continue }
            let timestamp = slot[1].load(ordering: .relaxed)
            let latency = slot[2].load(ordering: .relaxed)
            let packed = slot[3].load(ordering: .relaxed)
            atomicMemoryFence(ordering: .acquiring)
            let after = slot[0].load(ordering: .relaxed)
            if before == after {
                return HealthSample(timestamp: timestamp, latency: latency, packed: packed)
            }
        }
        return nil
    }
}
