/// A secret value (an API key) that never prints itself.
///
/// `description` and `debugDescription` are redacted so a secret that ends up in string
/// interpolation, a log line or a dump shows `<redacted>` instead of its value.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The raw value; read it only to put it on the wire.
    public let value: String

    /// Wraps a raw secret value.
    public init(_ value: String) { self.value = value }

    /// Whether the secret resolved to nothing (a provider with an empty key is disabled).
    public var isEmpty: Bool { value.isEmpty }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}
