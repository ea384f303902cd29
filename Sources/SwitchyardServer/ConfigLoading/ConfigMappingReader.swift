import Yams

/// Reads the known keys of one YAML mapping by name, each through `ConfigNodeReader` with the
/// key's full path. A key whose value is null (`key:` or `key: ~`) counts as absent.
struct ConfigMappingReader {
    let reader: ConfigNodeReader
    /// The mapping's own path.
    let path: ConfigPath
    let entries: [(key: String, value: Node)]

    var diagnostics: ConfigDiagnostics { reader.diagnostics }

    /// The value under `key`, or nil when absent or null.
    func node(_ key: String) -> Node? {
        guard let value = rawNode(key), !ConfigNodeReader.isNull(value) else { return nil }
        return value
    }

    /// The value under `key` as written, null included.
    func rawNode(_ key: String) -> Node? {
        entries.first { $0.key == key }?.value
    }

    /// Whether `key` is written at all, even with a null value.
    func contains(_ key: String) -> Bool {
        rawNode(key) != nil
    }

    /// The path of `key` inside this mapping.
    func path(_ key: String) -> ConfigPath {
        path.key(key)
    }

    /// Records that a required key is missing.
    func requireMissing(_ key: String, _ detail: String = "") {
        diagnostics.error(path(key), "is required" + detail)
    }

    func string(_ key: String) -> String? {
        node(key).flatMap { reader.string($0, at: path(key)) }
    }

    func int(_ key: String, minimum: Int? = nil, maximum: Int? = nil) -> Int? {
        node(key).flatMap { reader.int($0, at: path(key), minimum: minimum, maximum: maximum) }
    }

    func double(_ key: String, minimum: Double? = nil, maximum: Double? = nil) -> Double? {
        node(key).flatMap { reader.double($0, at: path(key), minimum: minimum, maximum: maximum) }
    }

    func bool(_ key: String) -> Bool? {
        node(key).flatMap { reader.bool($0, at: path(key)) }
    }

    /// The list under `key` with each item's path.
    func sequence(_ key: String) -> [(node: Node, path: ConfigPath)]? {
        guard let value = node(key), let items = reader.sequence(value, at: path(key)) else { return nil }
        return items.enumerated().map { ($0.element, path(key).index($0.offset)) }
    }

    /// The mapping under `key`; null counts as an empty mapping, absent as nil.
    func mapping(_ key: String, allowed: [String]) -> ConfigMappingReader? {
        guard let value = rawNode(key) else { return nil }
        return reader.mapping(value, at: path(key), allowed: allowed)
    }
}
