/// JSON string literal encoding for the few places the gateway writes JSON by hand
/// (error bodies, spliced fields) instead of running an encoder.
public enum JSONString {
    /// `string` as a JSON string literal, quotes included.
    public static func encode(_ string: String) -> String {
        var out = "\""
        out.reserveCapacity(string.utf8.count + 2)
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            // Valid JSON, but JavaScript string literals (and some SSE parsers) choke on them.
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
        return out
    }

    /// `string` as a JSON literal, or `null` when nil.
    public static func encodeOrNull(_ string: String?) -> String {
        string.map(encode) ?? "null"
    }
}
