import Synchronization

/// Metric handles by label values, each created once on first use and then reused, so a
/// request costs one dictionary lookup instead of building label arrays and asking the
/// registry. Label values are bounded (config names, status codes), so it stays small.
final class HandleCache<Key: Hashable & Sendable, Handle: AnyObject & Sendable>: Sendable {
    private let handles = Mutex<[Key: Handle]>([:])
    private let make: @Sendable (Key) -> Handle

    init(_ make: @escaping @Sendable (Key) -> Handle) {
        self.make = make
    }

    /// The handle for `key`, registering it on first use.
    subscript(_ key: Key) -> Handle {
        if let handle = handles.withLock({ $0[key] }) { return handle }
        // Registration takes the registry's lock: do it outside ours, then keep the first.
        let created = make(key)
        return handles.withLock { handles in
            if let existing = handles[key] { return existing }
            handles[key] = created
            return created
        }
    }
}
