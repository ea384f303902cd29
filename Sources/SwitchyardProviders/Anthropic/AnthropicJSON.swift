import Foundation
import SwitchyardCore

/// Small JSON helpers shared by the Anthropic adapter and the `/v1/messages` ingress:
/// compact encoding with sorted keys (stable tool arguments), parsing, string quoting.
enum AnthropicJSON {
    /// Compact JSON text for `value`, keys sorted so equal values give equal text.
    static func encode(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Parses JSON text; nil when it is not JSON.
    static func parse(_ text: String) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    /// `text` as a JSON string literal, quotes included.
    static func quoted(_ text: String) -> String {
        JSONString.encode(text)
    }

    /// Whether `scalar` may appear in an Anthropic id (`^[a-zA-Z0-9_-]+$`).
    static func isIDScalar(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-"
    }
}
