import SwitchyardCore
import Yams

extension ConfigLoader {
    static let routeKeys = [
        "strategy", "sla_ms", "targets", "weights", "max_attempts", "retry_on", "hedge", "stream_idle_timeout_ms",
    ]
    static let hedgeKeys = ["after_ms", "after"]

    /// Reads `routes:`: virtual model name -> strategy over targets.
    static func readRoutes(
        _ node: Node?, at path: ConfigPath, modelNames: Set<String>, directory: ProviderDirectory,
        reader: ConfigNodeReader
    ) -> [RouteConfig] {
        guard let node, let entries = reader.entries(node, at: path) else { return [] }
        var routes: [RouteConfig] = []
        for (name, value) in entries {
            let entryPath = path.key(name)
            if name.isEmpty {
                reader.diagnostics.error(entryPath, "route names must not be empty")
            }
            if modelNames.contains(name) {
                reader.diagnostics.error(entryPath, "a model is already named \"\(name)\"; route names must differ")
            }
            guard let section = reader.mapping(value, at: entryPath, allowed: routeKeys) else { continue }
            let context = TargetContext(modelNames: modelNames, directory: directory)
            routes.append(readRoute(name: name, section, context: context))
        }
        return routes
    }

    /// What a route target may name.
    struct TargetContext {
        let modelNames: Set<String>
        let directory: ProviderDirectory
    }

    private static func readRoute(name: String, _ section: ConfigMappingReader, context: TargetContext) -> RouteConfig {
        let diagnostics = section.diagnostics
        var route = RouteConfig(name: name, targets: [])
        if let text = section.string("strategy") {
            if let strategy = RoutingStrategy(rawValue: text) {
                route.strategy = strategy
            } else {
                let known = RoutingStrategy.allCases.map(\.rawValue).joined(separator: ", ")
                let message = "unknown strategy \"\(text)\" (expected one of: \(known))"
                diagnostics.error(section.path("strategy"), message)
            }
        }
        route.slaMs = section.int("sla_ms", minimum: 1) ?? route.slaMs
        route.maxAttempts = section.int("max_attempts", minimum: 1) ?? route.maxAttempts
        route.streamIdleTimeoutMs = section.int("stream_idle_timeout_ms", minimum: 1) ?? route.streamIdleTimeoutMs
        route.targets = readTargets(section, context: context)
        route.weights = readWeights(section, strategy: route.strategy, targetCount: route.targets.count)
        if let retryOn = readRetryOn(section) {
            route.retryOn = retryOn
        }
        route.hedge = readHedge(section, slaMs: route.slaMs)
        return route
    }

    private static func readTargets(_ section: ConfigMappingReader, context: TargetContext) -> [String] {
        guard section.node("targets") != nil else {
            section.requireMissing("targets")
            return []
        }
        guard let items = section.sequence("targets") else { return [] }
        if items.isEmpty {
            section.diagnostics.error(section.path("targets"), "must list at least one target")
        }
        var targets: [String] = []
        for item in items {
            guard let target = section.reader.string(item.node, at: item.path) else { continue }
            targets.append(target)
            if context.modelNames.contains(target) { continue }
            guard let provider = context.directory.declaredProvider(ofTarget: target) else {
                section.diagnostics.error(item.path, "unknown model \"\(target)\"")
                continue
            }
            if context.directory.isDisabled(provider) {
                section.diagnostics.warn(
                    item.path, "provider \"\(provider)\" is disabled; this target will not be used")
            }
        }
        return targets
    }

    /// Weights are required for `weighted`; for any other strategy they are ignored with a warning.
    private static func readWeights(_ section: ConfigMappingReader, strategy: RoutingStrategy, targetCount: Int)
        -> [Double]
    {
        let diagnostics = section.diagnostics
        let path = section.path("weights")
        guard let items = section.sequence("weights") else {
            if strategy == .weighted && section.node("weights") == nil {
                diagnostics.error(path, "is required for strategy weighted (one per target)")
            }
            return []
        }
        let weights = items.compactMap { section.reader.double($0.node, at: $0.path, minimum: 0) }
        guard strategy == .weighted else {
            diagnostics.warn(path, "ignored for strategy \(strategy.rawValue) (weights apply to weighted only)")
            return []
        }
        guard weights.count == items.count else { return [] }  // item problems reported already
        if weights.count != targetCount {
            diagnostics.error(path, "expected \(targetCount) weights (one per target), got \(weights.count)")
        } else if !weights.contains(where: { $0 > 0 }) {
            diagnostics.error(path, "at least one weight must be greater than 0")
        }
        return weights
    }

    private static func readRetryOn(_ section: ConfigMappingReader) -> Set<RetryCondition>? {
        guard let items = section.sequence("retry_on") else { return nil }
        var conditions: Set<RetryCondition> = []
        for item in items {
            guard let text = section.reader.string(item.node, at: item.path) else { continue }
            if let condition = RetryCondition(rawValue: text.lowercased()) {
                conditions.insert(condition)
            } else {
                let known = RetryCondition.allCases.map(\.rawValue).joined(separator: ", ")
                section.diagnostics.error(
                    item.path, "unknown retry condition \"\(text)\" (expected one of: \(known))")
            }
        }
        return conditions
    }

    /// `hedge: {after_ms: N}` or `hedge: {after: p95}`.
    private static func readHedge(_ section: ConfigMappingReader, slaMs: Int) -> HedgeConfig? {
        guard section.node("hedge") != nil, let hedge = section.mapping("hedge", allowed: hedgeKeys) else { return nil }
        let diagnostics = section.diagnostics
        switch (hedge.node("after_ms") != nil, hedge.node("after") != nil) {
        case (true, true):
            diagnostics.error(hedge.path, "give either after_ms or after, not both")
            return nil
        case (false, false):
            diagnostics.error(hedge.path, "expected after_ms: N or after: p95")
            return nil
        case (true, false):
            guard let delay = hedge.int("after_ms", minimum: 1) else { return nil }
            if delay >= slaMs {
                diagnostics.warn(hedge.path("after_ms"), "not below sla_ms (\(slaMs)); the hedge will never be sent")
            }
            return .afterMs(delay)
        case (false, true):
            guard let text = hedge.string("after") else { return nil }
            guard text.lowercased() == "p95" else {
                diagnostics.error(hedge.path("after"), "expected p95 (or use after_ms: N)")
                return nil
            }
            return .afterP95
        }
    }
}
