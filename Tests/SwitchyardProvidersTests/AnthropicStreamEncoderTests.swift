import NIOCore
import SwitchyardCore
import Testing

@testable import SwitchyardProviders

@Suite("AnthropicStreamEncoder: canonical chunks → Anthropic SSE events, in Anthropic's order (providers.md §2.4)")
struct AnthropicStreamEncoderTests {
    typealias T = AnthropicTestSupport

    static let head = #""id":"chatcmpl-1","object":"chat.completion.chunk","created":1730000000,"model":"gpt-4o""#

    static func chunk(_ delta: String, finish: String? = nil) -> ByteBuffer {
        let finishJSON = finish.map { "\"\($0)\"" } ?? "null"
        return ByteBuffer(string: #"{\#(head),"choices":[{"index":0,"delta":\#(delta),"logprobs":null,"finish_reason":\#(finishJSON)}],"usage":null}"#)
    }

    static let usageChunk = ByteBuffer(
        string: #"{\#(head),"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}"#
    )

    /// The §1.3 example stream re-encoded: the exact §2.3 sequence for a text answer.
    @Test func textStream() {
        var encoder = AnthropicStreamEncoder()
        var out: [ByteBuffer] = []
        out += encoder.encode(chunkPayload: Self.chunk(#"{"role":"assistant","content":"","refusal":null}"#))
        out += encoder.encode(chunkPayload: Self.chunk(#"{"content":"Hel"}"#))
        out += encoder.encode(chunkPayload: Self.chunk(#"{"content":"lo"}"#))
        out += encoder.encode(chunkPayload: Self.chunk("{}", finish: "stop"))
        out += encoder.encode(.usage(TokenUsage(promptTokens: 9, completionTokens: 2), Self.usageChunk))
        out += encoder.finish()
        #expect(encoder.finish().isEmpty)

        let frames = T.frames(out)
        let expected: [(String, String)] = [
            ("message_start", #"{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"gpt-4o","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":0}}}"#),
            ("content_block_start", #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#),
            ("ping", #"{"type":"ping"}"#),
            ("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}"#),
            ("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"lo"}}"#),
            ("content_block_stop", #"{"type":"content_block_stop","index":0}"#),
            ("message_delta", #"{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":9,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":2}}"#),
            ("message_stop", #"{"type":"message_stop"}"#),
        ]
        #expect(frames.map(\.name) == expected.map(\.0))
        #expect(frames.map(\.data) == expected.map { T.json($0.1) })
        // Each frame is exactly `event: X\ndata: {...}\n\n`.
        #expect(String(buffer: out[2]) == "event: ping\ndata: {\"type\":\"ping\"}\n\n")
    }

    /// Text, then two streamed tool calls: the open block closes before each tool_use block.
    @Test func toolUseStream() {
        var encoder = AnthropicStreamEncoder(messageID: "msg_fixed", model: "claude-route")
        var out: [ByteBuffer] = []
        out += encoder.encode(chunkPayload: Self.chunk(#"{"role":"assistant","content":"Let me"}"#))
        out += encoder.encode(
            chunkPayload: Self.chunk(#"{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}]}"#)
        )
        out += encoder.encode(chunkPayload: Self.chunk(#"{"tool_calls":[{"index":0,"function":{"arguments":"{\"ci"}}]}"#))
        out += encoder.encode(chunkPayload: Self.chunk(#"{"tool_calls":[{"index":0,"function":{"arguments":"ty\":\"Paris\"}"}}]}"#))
        out += encoder.encode(
            chunkPayload: Self.chunk(#"{"tool_calls":[{"index":1,"id":"call_2","type":"function","function":{"name":"get_time","arguments":"{}"}}]}"#)
        )
        out += encoder.encode(chunkPayload: Self.chunk("{}", finish: "tool_calls"))
        out += encoder.finish(usage: TokenUsage(promptTokens: 100, completionTokens: 20, cachedPromptTokens: 60))

        let frames = T.frames(out)
        let expected: [(String, String)] = [
            ("message_start", #"{"type":"message_start","message":{"id":"msg_fixed","type":"message","role":"assistant","model":"claude-route","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":0}}}"#),
            ("content_block_start", #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#),
            ("ping", #"{"type":"ping"}"#),
            ("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Let me"}}"#),
            ("content_block_stop", #"{"type":"content_block_stop","index":0}"#),
            ("content_block_start", #"{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"call_1","name":"get_weather","input":{}}}"#),
            ("content_block_delta", #"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}"#),
            ("content_block_delta", #"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"ci"}}"#),
            ("content_block_delta", #"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"ty\":\"Paris\"}"}}"#),
            ("content_block_stop", #"{"type":"content_block_stop","index":1}"#),
            ("content_block_start", #"{"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"call_2","name":"get_time","input":{}}}"#),
            ("content_block_delta", #"{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":""}}"#),
            ("content_block_delta", #"{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{}"}}"#),
            ("content_block_stop", #"{"type":"content_block_stop","index":2}"#),
            ("message_delta", #"{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"input_tokens":40,"cache_creation_input_tokens":0,"cache_read_input_tokens":60,"output_tokens":20}}"#),
            ("message_stop", #"{"type":"message_stop"}"#),
        ]
        #expect(frames.map(\.name) == expected.map(\.0))
        #expect(frames.map(\.data) == expected.map { T.json($0.1) })
    }

    @Test func emptyStreamStillFramesAMessage() {
        var encoder = AnthropicStreamEncoder(messageID: "msg_e", model: "m")
        let frames = T.frames(encoder.finish())
        #expect(frames.map(\.name) == ["message_start", "message_delta", "message_stop"])
        #expect(frames[1].data.objectValue?["delta"] == T.json(#"{"stop_reason":"end_turn","stop_sequence":null}"#))
    }

    @Test func lengthAndGarbage() {
        var encoder = AnthropicStreamEncoder()
        #expect(encoder.encode(chunkPayload: ByteBuffer(string: "not json")).isEmpty)
        _ = encoder.encode(chunkPayload: Self.chunk(#"{"content":"a \"quoted\"\nline"}"#, finish: "length"))
        let frames = T.frames(encoder.finish())
        #expect(frames.last?.name == "message_stop")
        #expect(frames.dropLast().last?.data.objectValue?["delta"]?.objectValue?["stop_reason"] == .string("max_tokens"))
    }
}
