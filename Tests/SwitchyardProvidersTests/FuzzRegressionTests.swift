import NIOCore
import SwitchyardCore
import Testing

@testable import SwitchyardProviders

/// Inputs that crashed a parser (found with the fuzz targets in `Fuzz/`, or by writing
/// them): each must now give an answer or a typed failure. They are also in the seed
/// corpus of their target.
@Suite("Fuzz regressions: upstream token counts that overflowed Int")
struct FuzzRegressionTests {
    static let huge = "9223372036854775807"

    @Test func anthropicUsageSumSaturates() throws {
        let body = #"{"id":"m","content":[],"usage":{"input_tokens":\#(Self.huge),"cache_read_input_tokens":1,"output_tokens":1}}"#
        let answer = try ParserDriver.anthropicResponse(ByteBuffer(string: body))
        #expect(String(buffer: answer).contains(#""prompt_tokens":\#(Self.huge)"#))
    }

    @Test func geminiUsageSumSaturates() throws {
        let body =
            #"{"candidates":[{"content":{"parts":[{"text":"x"}]},"finishReason":"STOP","index":0}],"#
            + #""usageMetadata":{"promptTokenCount":\#(Self.huge),"toolUsePromptTokenCount":1}}"#
        let answer = try ParserDriver.geminiResponse(ByteBuffer(string: body))
        #expect(String(buffer: answer).contains(#""prompt_tokens":\#(Self.huge)"#))
    }

    @Test func bedrockUsageSumSaturates() throws {
        let body =
            #"{"output":{"message":{"role":"assistant","content":[{"text":"x"}]}},"stopReason":"end_turn","#
            + #""usage":{"inputTokens":\#(Self.huge),"outputTokens":1,"cacheReadInputTokens":1}}"#
        let answer = try ParserDriver.bedrockResponse(ByteBuffer(string: body))
        #expect(String(buffer: answer).contains(#""total_tokens":\#(Self.huge)"#))
    }

    static let hostileUsage =
        #""usage":{"prompt_tokens":-\#(huge),"completion_tokens":0,"prompt_tokens_details":{"cached_tokens":\#(huge)}}"#

    @Test func anthropicIngressInputTokensDoNotUnderflow() throws {
        let body =
            #"{"id":"c","object":"chat.completion","choices":[{"index":0,"message":{"content":"x"},"#
            + #""finish_reason":"stop"}],\#(Self.hostileUsage)}"#
        let answer = try AnthropicIngressTranslator.response(ByteBuffer(string: body), model: "claude")
        #expect(String(buffer: answer).contains(#""input_tokens":0"#))
    }

    /// The fuzz input: a usage-only chunk, then the end of the stream.
    @Test func anthropicStreamEncoderUsageChunkDoesNotUnderflow() {
        var encoder = AnthropicStreamEncoder(messageID: "msg_fuzz", model: "claude")
        let chunk = #"{"id":"c","object":"chat.completion.chunk","choices":[],\#(Self.hostileUsage)}"#
        _ = encoder.encode(chunkPayload: ByteBuffer(string: chunk))
        let frames = encoder.finish().map { String(buffer: $0) }.joined()
        #expect(frames.contains("input_tokens\":0"))
    }

    @Test func anthropicStreamEncoderUsageDoesNotUnderflow() {
        let usage = TokenUsage(promptTokens: Int.min, completionTokens: 0, cachedPromptTokens: Int.max)
        #expect(AnthropicStreamEncoder.usageJSON(usage).contains(#""input_tokens":0"#))
        #expect(usage.totalTokens == Int.min)
    }

    @Test func tokenCountPinsAtTheBounds() {
        #expect(TokenCount.sum(Int.max, 1) == Int.max)
        #expect(TokenCount.sum(Int.min, -1) == Int.min)
        #expect(TokenCount.sum(Int.max, 1, -5) == Int.max - 5)
        #expect(TokenCount.difference(Int.min, 1) == Int.min)
        #expect(TokenCount.difference(0, Int.min) == Int.max)
        #expect(TokenCount.sum(2, 3) == 5)
    }
}
