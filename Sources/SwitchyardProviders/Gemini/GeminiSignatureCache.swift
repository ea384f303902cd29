import Synchronization

/// Remembers the thought signatures Gemini attached to its function calls, by the tool call
/// id the client saw, so they can be echoed when the client replays the conversation
/// (providers.md §3.2: Gemini 3 rejects replayed function calls without them).
///
/// Bounded: the oldest entries are forgotten first. A miss is not fatal: Gemini 2.x does not
/// require signatures, and for Gemini 3 the documented placeholder is sent instead.
final class GeminiSignatureCache: Sendable {
    /// The placeholder Google documents for history that came from elsewhere: the base64 of
    /// `skip_thought_signature_validator`.
    static let placeholder = "c2tpcF90aG91Z2h0X3NpZ25hdHVyZV92YWxpZGF0b3I="

    private struct State {
        var signatures: [String: String] = [:]
        var order: [String] = []
        var head = 0
    }

    private let state = Mutex(State())
    private let capacity: Int

    init(capacity: Int = 2048) {
        self.capacity = max(1, capacity)
    }

    /// Records `signature` for the tool call `id`.
    func store(_ entries: [(id: String, signature: String)]) {
        guard !entries.isEmpty else { return }
        state.withLock { state in
            for (id, signature) in entries {
                if state.signatures.updateValue(signature, forKey: id) != nil { continue }
                if state.order.count < capacity {
                    state.order.append(id)
                } else {
                    state.signatures.removeValue(forKey: state.order[state.head])
                    state.order[state.head] = id
                    state.head = (state.head + 1) % capacity
                }
            }
        }
    }

    /// The signature recorded for the tool call `id`.
    func signature(for id: String) -> String? {
        state.withLock { $0.signatures[id] }
    }

    /// The lookup a request translation uses, by tool call id and whether the call is the
    /// first of its turn: a recorded signature, else — on the first call of a turn only, where
    /// Gemini puts signatures — the placeholder for models that require one (Gemini 3+).
    func lookup(model: String) -> @Sendable (String, Bool) -> String? {
        let needsPlaceholder = Self.requiresSignatures(model: model)
        return { [self] id, first in signature(for: id) ?? (needsPlaceholder && first ? Self.placeholder : nil) }
    }

    /// Whether `model` validates thought signatures on replayed function calls.
    static func requiresSignatures(model: String) -> Bool {
        let bare = model.split(separator: "/").last.map(String.init) ?? model
        guard bare.hasPrefix("gemini-") else { return false }
        let version = bare.dropFirst("gemini-".count).prefix { $0.isNumber }
        return (Int(version) ?? 0) >= 3
    }
}
