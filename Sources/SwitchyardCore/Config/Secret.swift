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

    /// Whether the value can go in an HTTP header field as it is: no control character but
    /// a tab (RFC 9110 §5.5). A key read from a file with its trailing newline cannot.
    public var fitsInHeaderField: Bool {
        value.utf8.allSatisfy { $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }
    }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}
