import Foundation
import NIOCore
import NIOFoundationCompat
import SwitchyardCore

/// Usage reported on a chunk that still carries choices (providers.md §0.3: Groq's
/// `x_groq.usage`, Mistral's and Perplexity's last chunk), kept to make the usage-only chunk.
extension OpenAIWire {
    struct InlineUsage: Decodable {
        struct Groq: Decodable { var usage: Usage? }
        var id: String?
        var created: Int?
        var model: String?
        var usage: Usage?
        var x_groq: Groq?

        /// The counts: the standard `usage`, else Groq's.
        var counts: Usage? { usage ?? x_groq?.usage }

        /// The OpenAI usage-only chunk (`choices: []`) carrying these counts.
        func chunk() -> CanonicalChatChunk {
            let total = counts?.tokenUsage ?? TokenUsage(promptTokens: 0, completionTokens: 0)
            return CanonicalChatChunk(
                id: id ?? "",
                created: created ?? 0,
                model: model ?? "",
                choices: [],
                usage: CanonicalUsage(
                    prompt: total.promptTokens,
                    completion: total.completionTokens,
                    cached: total.cachedPromptTokens,
                    reasoning: counts?.completion_tokens_details?.reasoning_tokens ?? 0
                )
            )
        }
    }

    /// Decodes inline usage when `chunk` has a `usage` object or `x_groq` (a byte check
    /// first: most chunks carry `"usage":null` or nothing and are not decoded).
    static func inlineUsage(in chunk: ByteBuffer) -> InlineUsage? {
        guard chunk.containsBytes(#""x_groq""#) || hasObjectMember(chunk, #""usage""#) else { return nil }
        guard let decoded = try? JSONDecoder().decode(InlineUsage.self, from: chunk), decoded.counts != nil else {
            return nil
        }
        return decoded
    }

    /// Whether `key` (quoted) is followed by `:` and an object. A quoted key cannot appear
    /// inside a JSON string unescaped, so the first occurrence is a real key.
    static func hasObjectMember(_ buffer: ByteBuffer, _ key: StaticString) -> Bool {
        guard let offset = buffer.firstOffset(of: key) else { return false }
        return buffer.withUnsafeReadableBytes { bytes in
            var i = offset + key.utf8CodeUnitCount
            func skipSpace() {
                while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 {
                    i += 1
                }
            }
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return false }
            i += 1
            skipSpace()
            return i < bytes.count && bytes[i] == UInt8(ascii: "{")
        }
    }
}
