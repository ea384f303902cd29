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
            JSONTopLevelScanner.scan(raw, keys: ["usage"])?["usage"]?.value
        }
        guard let range, let slice = body.getSlice(at: body.readerIndex + range.lowerBound, length: range.count),
            slice.readableBytes > 4  // not `null`
        else { return nil }
        return (try? JSONDecoder().decode(Usage.self, from: slice))?.tokenUsage
    }
}
