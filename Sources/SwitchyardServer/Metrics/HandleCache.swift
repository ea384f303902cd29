import Synchronization

/// Metric handles by label values, each created once on first use and then reused, so a
/// request costs one hash and a few atomic loads instead of building label arrays and
/// asking the registry. Label values are bounded (config names, status codes), so it stays
/// small.
///
/// Finding a handle takes no lock: handles are published in a fixed table of atomic slots
/// (open addressing, linear probing) that only ever fills, never empties. Creating one
/// takes the cache's lock, which also keeps every handle alive for the cache's life and
/// serves the rare keys that arrive once the table is three quarters full.
final class HandleCache<Key: Hashable & Sendable, Handle: AnyObject & Sendable>: Sendable {
    /// A key and its handle, immutable once published.
    private final class Entry: Sendable {
        let key: Key
        let handle: Handle

        init(key: Key, handle: Handle) {
            self.key = key
            self.handle = handle
        }
    }

    /// Slots in the table (a power of two); at most `publishLimit` of them are used.
    static var slotCount: Int { 1024 }
    private static var publishLimit: Int { slotCount / 4 * 3 }

    /// Each slot holds an `Entry`'s address, or 0 while empty. Written once, under the lock.
    nonisolated(unsafe) private let slots: UnsafeMutablePointer<Atomic<UInt>>
    private struct Owned {
        /// Every entry made, which keeps the published ones alive.
        var entries: [Key: Entry] = [:]
        var published = 0
    }

    private let owned = Mutex(Owned())
    private let lockedLookups = Atomic<Int>(0)
    private let make: @Sendable (Key) -> Handle

    init(_ make: @escaping @Sendable (Key) -> Handle) {
        self.make = make
        slots = UnsafeMutablePointer<Atomic<UInt>>.allocate(capacity: Self.slotCount)
        for index in 0..<Self.slotCount {
            (slots + index).initialize(to: Atomic<UInt>(0))
        }
    }

    deinit {
        slots.deinitialize(count: Self.slotCount)
        slots.deallocate()
    }

    /// The handle for `key`, registering it on first use.
    subscript(_ key: Key) -> Handle {
        if let handle = published(key) { return handle }
        return insert(key)
    }

    /// Keys published in the table, found without the lock (for tests).
    var publishedCount: Int { owned.withLock { $0.published } }
    /// Lookups that took the lock's path (for tests).
    var lookupsThroughTheLock: Int { lockedLookups.load(ordering: .relaxed) }

    /// The handle published for `key`: slots from the key's hash on, up to the first empty
    /// one. No slot ever empties, so a key published after a probe started is found by the
    /// lock's path instead.
    private func published(_ key: Key) -> Handle? {
        let mask = Self.slotCount - 1
        var index = key.hashValue & mask
        for _ in 0..<Self.slotCount {
            // Acquiring: the entry's fields were written before its release store.
            let bits = slots[index].load(ordering: .acquiring)
            guard let address = UnsafeRawPointer(bitPattern: bits) else { return nil }
            let entry = Unmanaged<Entry>.fromOpaque(address).takeUnretainedValue()
            if entry.key == key { return entry.handle }
            index = (index + 1) & mask
        }
        return nil
    }

    private func insert(_ key: Key) -> Handle {
        lockedLookups.add(1, ordering: .relaxed)
        if let entry = owned.withLock({ $0.entries[key] }) { return entry.handle }
        // Registration takes the registry's lock: do it outside ours, then keep the first.
        let created = make(key)
        return owned.withLock { owned in
            if let existing = owned.entries[key] { return existing.handle }
            let entry = Entry(key: key, handle: created)
            owned.entries[key] = entry
            if owned.published < Self.publishLimit {
                publish(entry)
                owned.published += 1
            }
            return entry.handle
        }
    }

    /// Puts `entry` in the first empty slot from its key's hash on. Called under the lock,
    /// so there is one writer at a time; `owned.entries` keeps the entry alive.
    private func publish(_ entry: Entry) {
        let mask = Self.slotCount - 1
        var index = entry.key.hashValue & mask
        let bits = UInt(bitPattern: Unmanaged.passUnretained(entry).toOpaque())
        while slots[index].load(ordering: .relaxed) != 0 {
            index = (index + 1) & mask
        }
        slots[index].store(bits, ordering: .releasing)
    }
}
