import Yams

/// Typed accessors over Yams nodes that interpolate `${ENV}` first, then convert, and record a
/// problem with the value's YAML path when the node has the wrong shape or type.
///
/// Accessors return nil after recording a problem, so callers fall back to a default and keep
/// going: every problem in the document is found in one pass.
struct ConfigNodeReader {
    let diagnostics: ConfigDiagnostics
    let environment: [String: String]

    static let malformedReference =
        "malformed environment reference (use ${NAME} or ${NAME:-default}; $${ for a literal ${)"

    /// True for an empty value, `~` or `null` written without quotes.
    static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// The node as a mapping whose keys must all be in `allowed`; unknown keys are reported.
    func mapping(_ node: Node, at path: ConfigPath, allowed: [String]) -> ConfigMappingReader? {
        guard let entries = entries(node, at: path) else { return nil }
        for entry in entries where !allowed.contains(entry.key) {
            diagnostics.error(path.key(entry.key), "unknown key")
        }
        return ConfigMappingReader(reader: self, path: path, entries: entries)
    }

    /// The node as a mapping of user-chosen names (provider, model, route names), in file order.
    /// A null node is an empty mapping.
    func entries(_ node: Node, at path: ConfigPath) -> [(key: String, value: Node)]? {
        if Self.isNull(node) { return [] }
        guard case .mapping(let mapping) = node else {
            diagnostics.error(path, "expected a mapping")
            return nil
        }
        var result: [(key: String, value: Node)] = []
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                diagnostics.error(path, "mapping keys must be plain strings")
                continue
            }
            result.append((scalar.string, value))
        }
        return result
    }

    /// The node as a list.
    func sequence(_ node: Node, at path: ConfigPath) -> [Node]? {
        guard case .sequence(let sequence) = node else {
            diagnostics.error(path, "expected a list")
            return nil
        }
        return Array(sequence)
    }

    /// The node as an interpolated string; scalars of any YAML type are accepted as text.
    func string(_ node: Node, at path: ConfigPath) -> String? {
        interpolated(node, at: path)?.value
    }

    /// The node as an interpolated string, with the names of the variables it referenced.
    func interpolated(_ node: Node, at path: ConfigPath) -> EnvironmentInterpolation.Result? {
        guard case .scalar(let scalar) = node else {
            diagnostics.error(path, "expected a string")
            return nil
        }
        let result = EnvironmentInterpolation.interpolate(scalar.string, environment: environment)
        if !result.isValid {
            diagnostics.error(path, Self.malformedReference)
        }
        return result
    }

    /// The node as an integer within `minimum...maximum`.
    func int(_ node: Node, at path: ConfigPath, minimum: Int? = nil, maximum: Int? = nil) -> Int? {
        guard case .scalar = node, let text = string(node, at: path) else {
            diagnostics.error(path, "expected an integer")
            return nil
        }
        guard let value = Self.parseInt(text) else {
            diagnostics.error(path, "expected an integer")
            return nil
        }
        guard check(Double(value), at: path, minimum: minimum.map(Double.init), maximum: maximum.map(Double.init))
        else { return nil }
        return value
    }

    /// The node as a finite number within `minimum...maximum`.
    func double(_ node: Node, at path: ConfigPath, minimum: Double? = nil, maximum: Double? = nil) -> Double? {
        guard case .scalar = node, let text = string(node, at: path) else {
            diagnostics.error(path, "expected a number")
            return nil
        }
        guard let value = Double(Self.trimmed(text)), value.isFinite else {
            diagnostics.error(path, "expected a number")
            return nil
        }
        guard check(value, at: path, minimum: minimum, maximum: maximum) else { return nil }
        return value
    }

    /// The node as a boolean (`true`/`false`, also `yes`/`no`, `on`/`off`).
    func bool(_ node: Node, at path: ConfigPath) -> Bool? {
        guard case .scalar = node, let text = string(node, at: path) else {
            diagnostics.error(path, "expected a boolean")
            return nil
        }
        guard let value = Self.parseBool(text) else {
            diagnostics.error(path, "expected a boolean")
            return nil
        }
        return value
    }

    static func parseBool(_ text: String) -> Bool? {
        switch trimmed(text).lowercased() {
        case "true", "yes", "on": true
        case "false", "no", "off": false
        default: nil
        }
    }

    static func parseInt(_ text: String) -> Int? {
        let text = trimmed(text)
        if let value = Int(text) { return value }
        // YAML 1.1 allows digit grouping: 16_777_216.
        guard text.contains("_"), !text.hasPrefix("_"), !text.hasSuffix("_") else { return nil }
        return Int(text.filter { $0 != "_" })
    }

    private static func trimmed(_ text: String) -> String {
        String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }

    private func check(_ value: Double, at path: ConfigPath, minimum: Double?, maximum: Double?) -> Bool {
        let tooSmall = minimum.map { value < $0 } ?? false
        let tooLarge = maximum.map { value > $0 } ?? false
        guard tooSmall || tooLarge else { return true }
        switch (minimum, maximum) {
        case (let low?, let high?): diagnostics.error(path, "must be between \(format(low)) and \(format(high))")
        case (let low?, nil) where low == 1: diagnostics.error(path, "must be greater than 0")
        case (let low?, nil): diagnostics.error(path, "must be at least \(format(low))")
        case (nil, let high?): diagnostics.error(path, "must be at most \(format(high))")
        case (nil, nil): break
        }
        return false
    }

    private func format(_ bound: Double) -> String {
        bound == bound.rounded() && abs(bound) < 1e15 ? String(Int(bound)) : String(bound)
    }
}
