/// Where a value sits in the YAML document, written the way problems show it:
/// `providers.openai.timeout_ms`, `models.gpt-4o[1].provider`.
struct ConfigPath: Sendable, Equatable, CustomStringConvertible {
    /// The dotted path; empty for the document root.
    let text: String

    /// The document root.
    static let root = ConfigPath(text: "")

    /// The path of a key inside the mapping at this path.
    func key(_ name: String) -> ConfigPath {
        ConfigPath(text: text.isEmpty ? name : "\(text).\(name)")
    }

    /// The path of an item inside the list at this path.
    func index(_ position: Int) -> ConfigPath {
        ConfigPath(text: "\(text)[\(position)]")
    }

    var description: String { text.isEmpty ? "<root>" : text }
}
