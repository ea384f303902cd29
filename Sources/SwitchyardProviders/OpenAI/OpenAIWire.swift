import Foundation
import NIOCore
import NIOFoundationCompat
import SwitchyardCore

/// OpenAI wire types the gateway reads (it forwards the rest as bytes).
enum OpenAIWire {
    /// `usage` as OpenAI sends it.
    struct Usage: Decodable {
        struct PromptDetails: Decodable {
            var cached_tokens: Int?
        }
        struct CompletionDetails: Decodable {
            var reasoning_tokens: Int?
        }
        var prompt_tokens: Int?
        var completion_tokens: Int?
        var prompt_tokens_details: PromptDetails?
        var completion_tokens_details: CompletionDetails?
        /// DeepSeek's cache-hit count.
        var prompt_cache_hit_tokens: Int?

        var tokenUsage: TokenUsage {
            TokenUsage(
                promptTokens: prompt_tokens ?? 0,
                completionTokens: completion_tokens ?? 0,
                cachedPromptTokens: prompt_tokens_details?.cached_tokens ?? prompt_cache_hit_tokens ?? 0
            )
        }
    }

    /// The error body: `{"error":{...}}`, a flat `{"message":...}` (Mistral) or
    /// `{"code":...,"error":"text"}` (xAI).
    struct ErrorBody: Decodable {
        struct Detail: Decodable {
            var message: String?
            var type: String?
            var param: String?
            var code: String?

            enum CodingKeys: String, CodingKey { case message, type, param, code }

            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                message = try? container.decodeIfPresent(String.self, forKey: .message)
                type = try? container.decodeIfPresent(String.self, forKey: .type)
                param = try? container.decodeIfPresent(String.self, forKey: .param)
                // vLLM and OpenRouter send numeric codes.
                if let text = try? container.decodeIfPresent(String.self, forKey: .code) {
                    code = text
                } else if let number = try? container.decodeIfPresent(Int.self, forKey: .code) {
                    code = String(number)
                }
            }
        }

        var detail: Detail?
        var flatMessage: String?

        enum CodingKeys: String, CodingKey { case error, message, detail }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            if let nested = try? container.decodeIfPresent(Detail.self, forKey: .error) {
                detail = nested
            } else if let text = try? container.decodeIfPresent(String.self, forKey: .error) {
                flatMessage = text
            }
            if flatMessage == nil, let message = try? container.decodeIfPresent(String.self, forKey: .message) {
                flatMessage = message
            }
            if flatMessage == nil, let message = try? container.decodeIfPresent(String.self, forKey: .detail) {
                flatMessage = message
            }
        }
    }

    /// Decodes `usage` from a whole response or a chunk, if it carries a non-null one.
    static func usage(in body: ByteBuffer) -> TokenUsage? {
        guard body.containsBytes(#""usage""#) else { return nil }
        // Decode only the `usage` member's bytes, not the whole answer.
        let range: Range<Int>? = body.withUnsafeReadableBytes { raw in
            JSONTopLevelScanner.scan(raw, "usage")?.first?.value
        }
        return usage(in: body, at: range)
    }

    /// Whether a whole answer is one JSON object, and its usage, read in the same walk
    /// (a separate check and `usage(in:)` would walk it twice); the same readings as those two.
    static func check(wholeAnswer body: ByteBuffer) -> (wellFormed: Bool, usage: TokenUsage?) {
        body.withUnsafeReadableBytes { raw in
            if body.containsBytes(#""usage""#), let members = JSONTopLevelScanner.scan(raw, "usage") {
                return (true, usage(in: body, at: members.first?.value))
            }
            // No `usage`, or the walk declined (a malformed body, or `usage` twice, which
            // `usage(in:)` reads as no usage): the plain check decides.
            return (JSONTopLevelScanner.scan(raw, keys: []) != nil, nil)
        }
    }

    /// The usage in the member of `body` whose value is at `range` (relative to its reader index).
    private static func usage(in body: ByteBuffer, at range: Range<Int>?) -> TokenUsage? {
        guard let range, let slice = body.getSlice(at: body.readerIndex + range.lowerBound, length: range.count),
            slice.readableBytes > 4  // not `null`
        else { return nil }
        if let scanned = slice.withUnsafeReadableBytes({ scanUsage($0) }) {
            return scanned.tokenUsage
        }
        return decodeUsage(slice)
    }

    /// The reference reading of a `usage` object, with `JSONDecoder`.
    static func decodeUsage(_ slice: ByteBuffer) -> TokenUsage? {
        (try? JSONDecoder().decode(Usage.self, from: slice))?.tokenUsage
    }

    /// `usage` read by a strict byte scan, for the plain shapes providers send; nil to
    /// decline (escapes, duplicate keys, fractions, wrong types...), leaving it to
    /// `decodeUsage`. The `openai-response` fuzz target checks the two agree.
    static func scanUsage(_ bytes: UnsafeRawBufferPointer) -> Usage? {
        var cursor = StrictJSONCursor(bytes)
        var usage = Usage()
        var seen: UInt8 = 0
        let wellFormed = cursor.members { key, cursor in
            let bit: UInt8
            if StrictJSONCursor.matches(key, "prompt_tokens") {
                bit = 1
                guard let value = cursor.optionalInteger() else { return false }
                usage.prompt_tokens = value
            } else if StrictJSONCursor.matches(key, "completion_tokens") {
                bit = 2
                guard let value = cursor.optionalInteger() else { return false }
                usage.completion_tokens = value
            } else if StrictJSONCursor.matches(key, "prompt_cache_hit_tokens") {
                bit = 4
                guard let value = cursor.optionalInteger() else { return false }
                usage.prompt_cache_hit_tokens = value
            } else if StrictJSONCursor.matches(key, "prompt_tokens_details") {
                bit = 8
                switch detail(&cursor, key: "cached_tokens") {
                case .decline: return false
                case .null: usage.prompt_tokens_details = nil
                case .object(let count): usage.prompt_tokens_details = Usage.PromptDetails(cached_tokens: count)
                }
            } else if StrictJSONCursor.matches(key, "completion_tokens_details") {
                bit = 16
                switch detail(&cursor, key: "reasoning_tokens") {
                case .decline: return false
                case .null: usage.completion_tokens_details = nil
                case .object(let count): usage.completion_tokens_details = Usage.CompletionDetails(reasoning_tokens: count)
                }
            } else {
                bit = 0
                guard cursor.skipValue(depth: 1) else { return false }
            }
            guard seen & bit == 0 else { return false }
            seen |= bit
            return true
        }
        guard wellFormed else { return nil }
        cursor.skipWhitespace()
        return cursor.atEnd ? usage : nil
    }

    /// How a `*_tokens_details` member read.
    private enum DetailScan {
        case decline
        case null
        /// An object, with its count member's value (nil when absent or null).
        case object(Int?)
    }

    /// A details member: null, or an object whose `wanted` member is an integer or null.
    private static func detail(_ cursor: inout StrictJSONCursor, key wanted: StaticString) -> DetailScan {
        if cursor.null() { return .null }
        var count: Int?
        var seen = false
        let wellFormed = cursor.members { key, cursor in
            guard StrictJSONCursor.matches(key, wanted) else { return cursor.skipValue(depth: 2) }
            guard !seen, let value = cursor.optionalInteger() else { return false }
            seen = true
            count = value
            return true
        }
        return wellFormed ? .object(count) : .decline
    }
}
