import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Everything a simulator's request path shares: the current behaviour (changed rarely,
/// behind a `Mutex`), counters (atomics), an id sequence and the start instant.
final class SimulatorState: Sendable {
    private let current: Mutex<SimulatorOptions>
    private let startedAt: Mutex<ContinuousClock.Instant>
    private let sequence = Atomic<UInt64>(0)
    let counters = StatsCounters()
    /// Per-process random prefix so ids from different runs differ.
    let idPrefix: String
    /// The reply tokens for this simulator's name, JSON-escaped once.
    let script: ReplyScript

    init(options: SimulatorOptions) {
        self.current = Mutex(options)
        self.startedAt = Mutex(.now)
        self.idPrefix = String(UInt32.random(in: 0x1000_0000...UInt32.max), radix: 16)
        self.script = ReplyScript(name: options.name)
    }

    var options: SimulatorOptions {
        current.withLock { $0 }
    }

    func update(_ change: (inout SimulatorOptions) -> Void) {
        current.withLock { change(&$0) }
    }

    func markStarted() {
        startedAt.withLock { $0 = .now }
    }

    /// Milliseconds since the simulator started serving.
    func uptimeMs() -> Int64 {
        let elapsed = startedAt.withLock { $0 }.duration(to: .now)
        return elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
    }

    /// A fresh id suffix: `<random prefix><counter>` in hex.
    func nextID() -> String {
        let n = sequence.add(1, ordering: .relaxed).newValue
        return idPrefix + String(n, radix: 16)
    }

    /// Unix time in seconds, for `created` fields.
    func unixTime() -> Int {
        Int(Date().timeIntervalSince1970)
    }
}
