import SwitchyardCore

/// Where the executor reports routing events that operators count (fallbacks, hedges).
/// Metrics plug in here; the default does nothing.
struct ExecutionObserver: Sendable {
    var onFallback: @Sendable (_ route: String, _ from: String, _ to: String) -> Void = { _, _, _ in }
    var onHedge: @Sendable (_ route: String, _ won: Bool) -> Void = { _, _ in }

    func fallback(route: String, from: String, to: String) { onFallback(route, from, to) }
    func hedge(route: String, won: Bool) { onHedge(route, won) }
}
