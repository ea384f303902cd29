import SwitchyardCore

/// The declared provider names, for checking references from `models:` and `routes:`.
///
/// Holds every declared name, including providers that had problems of their own, so one
/// mistake in a provider does not also show up as "unknown provider" everywhere it is used.
struct ProviderDirectory {
    /// Declared names; true when the provider is enabled (or invalid, which is reported already).
    private var usable: [String: Bool] = [:]

    init(providers: [(name: String, config: ProviderConfig?)]) {
        for provider in providers {
            usable[provider.name] = provider.config?.enabled ?? true
        }
    }

    func isDeclared(_ name: String) -> Bool {
        usable[name] != nil
    }

    func isDisabled(_ name: String) -> Bool {
        usable[name] == false
    }

    /// Whether `target` is `PROVIDER/UPSTREAM_MODEL` with a declared provider.
    func declaredProvider(ofTarget target: String) -> String? {
        guard let slash = target.firstIndex(of: "/") else { return nil }
        let provider = String(target[..<slash])
        let model = target[target.index(after: slash)...]
        guard !model.isEmpty, isDeclared(provider) else { return nil }
        return provider
    }
}
