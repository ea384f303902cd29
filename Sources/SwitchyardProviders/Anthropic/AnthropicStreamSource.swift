/// Reads an Anthropic SSE stream (providers.md §2.3) through `AnthropicStreamTranslator`.
typealias AnthropicStreamSource = SSETranslatingSource<AnthropicStreamTranslator>

extension AnthropicStreamTranslator: SSEChunkTranslator {}
