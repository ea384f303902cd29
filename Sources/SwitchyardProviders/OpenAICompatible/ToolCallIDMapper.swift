/// Deterministic tool-call id rewriting (providers.md §0.4): the same input id always maps to
/// the same output, across requests, so an assistant call and its tool result stay paired.
public enum ToolCallIDMapper {
    static let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)

    /// `id` itself when it already is 9 characters of `[a-zA-Z0-9]`, else a 9-character
    /// alphanumeric digest of it.
    public static func nineAlphanumeric(_ id: String) -> String {
        let bytes = Array(id.utf8)
        if bytes.count == 9, bytes.allSatisfy(isAlphanumeric) { return id }
        // FNV-1a (64 bit), then base 62: 62^9 < 2^64, so every digit carries hash bits.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        var digits = [UInt8](repeating: 0, count: 9)
        for k in 0..<9 {
            digits[k] = alphabet[Int(hash % 62)]
            hash /= 62
        }
        return String(decoding: digits, as: UTF8.self)
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }
}
