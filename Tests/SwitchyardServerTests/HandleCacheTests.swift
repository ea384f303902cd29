import Synchronization
import Testing

@testable import SwitchyardServer

/// The metric handle cache: one handle per key, found without a lock once published.
@Suite struct HandleCacheTests {
    final class Handle: Sendable {
        let key: String
        init(_ key: String) { self.key = key }
    }

    @Test func aKeyKeepsItsFirstHandle() {
        let made = Atomic<Int>(0)
        let cache = HandleCache<String, Handle> { key in
            made.add(1, ordering: .relaxed)
            return Handle(key)
        }
        let first = cache["route-a"]
        #expect(cache["route-a"] === first)
        #expect(cache["route-b"] !== first)
        #expect(cache["route-b"].key == "route-b")
        #expect(made.load(ordering: .relaxed) == 2)
        #expect(cache.publishedCount == 2)
        // Published: found again without the lock.
        for _ in 0..<100 { _ = cache["route-a"]; _ = cache["route-b"] }
        #expect(cache.lookupsThroughTheLock == 2)
    }

    /// Keys beyond what the table publishes are still served, by the lock's path, each
    /// with a handle of its own that stays the same.
    @Test func keysBeyondTheTableAreServedByTheLock() {
        let cache = HandleCache<String, Handle> { Handle($0) }
        let keys = (0..<1_000).map { "model-\($0)" }
        let handles = keys.map { cache[$0] }
        #expect(cache.publishedCount == HandleCache<String, Handle>.slotCount / 4 * 3)
        for (key, handle) in zip(keys, handles) {
            #expect(cache[key] === handle)
            #expect(handle.key == key)
        }
        // The first lookup of each key, and the second of each key left unpublished.
        #expect(cache.lookupsThroughTheLock == 1_000 + (1_000 - cache.publishedCount))
    }

    /// Many tasks asking for overlapping keys at once all get the same handle for a key.
    @Test func concurrentLookupsAgreeOnEachKeysHandle() async {
        let cache = HandleCache<String, Handle> { Handle($0) }
        let keys = (0..<64).map { "provider-\($0)" }
        // Every lookup of every task, as (key, the handle it got).
        let seen = await withTaskGroup(of: [(String, ObjectIdentifier)].self) { group in
            for worker in 0..<8 {
                group.addTask {
                    (0..<500).map { round in
                        let key = keys[(round * 7 + worker * 13) % keys.count]
                        return (key, ObjectIdentifier(cache[key]))
                    }
                }
            }
            var all: [(String, ObjectIdentifier)] = []
            for await lookups in group { all += lookups }
            return all
        }
        #expect(seen.count == 8 * 500)
        let disagreeing = seen.filter { key, id in id != ObjectIdentifier(cache[key]) }
        #expect(disagreeing.isEmpty)
    }
}
