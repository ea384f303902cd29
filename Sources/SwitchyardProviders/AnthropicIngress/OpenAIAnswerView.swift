import SwitchyardCore

/// Lenient views of canonical OpenAI answers (whole `chat.completion` and stream chunks)
/// as any adapter returns them: every field optional, unknown fields ignored.
enum OpenAIAnswerView {
    /// A whole answer or one chunk: `message` in one, `delta` in the other.
    struct Answer: Decodable {
        var id: String?
        var model: String?
        var choices: [Choice]?
        var usage: Usage?
    }

    /// One choice.
    struct Choice: Decodable {
        var index: Int?
        var message: Message?
        var delta: Message?
        var finish_reason: String?
    }

    /// `message` or `delta`.
    struct Message: Decodable {
        var content: String?
        var refusal: String?
        var tool_calls: [ToolCall]?
    }

    /// A tool call or a tool-call fragment.
    struct ToolCall: Decodable {
        var index: Int?
        var id: String?
        var function: Function?
    }

    /// `function` (arguments are a JSON string, or a fragment of one).
    struct Function: Decodable {
        var name: String?
        var arguments: String?
    }

    /// `usage` (DeepSeek's cache-hit count accepted too).
    struct Usage: Decodable {
        struct PromptDetails: Decodable {
            var cached_tokens: Int?
        }
        var prompt_tokens: Int?
        var completion_tokens: Int?
        var prompt_tokens_details: PromptDetails?
        var prompt_cache_hit_tokens: Int?

        var tokenUsage: TokenUsage {
            TokenUsage(
                promptTokens: prompt_tokens ?? 0,
                completionTokens: completion_tokens ?? 0,
                cachedPromptTokens: prompt_tokens_details?.cached_tokens ?? prompt_cache_hit_tokens ?? 0
            )
        }
    }
}
