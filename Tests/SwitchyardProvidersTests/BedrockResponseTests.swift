import Foundation
import Testing

@testable import SwitchyardProviders
import SwitchyardCore

/// Converse responses → canonical `chat.completion` (providers.md §4.2, §0.1, §0.2).
@Suite struct BedrockResponseTests {
    typealias J = BedrockTestJSON

    static let example = #"""
        {
          "output": {"message": {"role": "assistant", "content": [
            {"text": "Let me check."},
            {"toolUse": {"toolUseId": "tooluse_abc", "name": "get_weather", "input": {"city": "Paris"}}}
          ]}},
          "stopReason": "tool_use",
          "usage": {"inputTokens": 25, "outputTokens": 40, "totalTokens": 65, "cacheReadInputTokens": 0, "cacheWriteInputTokens": 0},
          "metrics": {"latencyMs": 812},
          "additionalModelResponseFields": {"stop_sequence": null}
        }
        """#

    @Test func goldenResponse() throws {
        let wire = try J.decode(BedrockWire.ConverseResponse.self, Self.example)
        let canonical = BedrockTranslator.response(wire, id: "chatcmpl-r1", created: 1_700_000_000, model: "anthropic.claude", jsonToolName: nil)
        let expected = J.value(#"""
            {"id":"chatcmpl-r1","object":"chat.completion","created":1700000000,"model":"anthropic.claude",
             "choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":"Let me check.",
               "tool_calls":[{"id":"tooluse_abc","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]}}],
             "usage":{"prompt_tokens":25,"completion_tokens":40,"total_tokens":65,
                      "prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}
            """#)
        #expect(J.value(canonical.encoded()) == expected)
        #expect(canonical.usage?.tokenUsage == TokenUsage(promptTokens: 25, completionTokens: 40))
    }

    @Test func textOnlyWithCacheUsage() throws {
        let wire = try J.decode(
            BedrockWire.ConverseResponse.self,
            #"""
            {"output":{"message":{"role":"assistant","content":[{"reasoningContent":{"reasoningText":{"text":"hmm","signature":"s"}}},{"text":"Hello"},{"text":" world"}]}},
             "stopReason":"end_turn",
             "usage":{"inputTokens":10,"outputTokens":3,"totalTokens":118,"cacheReadInputTokens":100,"cacheWriteInputTokens":5}}
            """#
        )
        let canonical = BedrockTranslator.response(wire, id: "i", created: 1, model: "m", jsonToolName: nil)
        #expect(canonical.choices.first?.message.content == "Hello world")
        #expect(canonical.choices.first?.message.tool_calls == nil)
        #expect(canonical.choices.first?.finish_reason == "stop")
        #expect(canonical.usage?.prompt_tokens == 115)
        #expect(canonical.usage?.prompt_tokens_details?.cached_tokens == 100)
        #expect(canonical.usage?.completion_tokens == 3)
        #expect(canonical.usage?.total_tokens == 118)
    }

    @Test func toolCallsOnlyHaveNullContent() throws {
        let wire = try J.decode(
            BedrockWire.ConverseResponse.self,
            #"{"output":{"message":{"role":"assistant","content":[{"toolUse":{"toolUseId":"t1","name":"f","input":{}}}]}},"stopReason":"tool_use"}"#
        )
        let canonical = BedrockTranslator.response(wire, id: "i", created: 1, model: "m", jsonToolName: nil)
        let message = J.value(encoding: canonical.choices.first?.message)
        #expect(message == J.value(#"{"role":"assistant","content":null,"tool_calls":[{"id":"t1","type":"function","function":{"name":"f","arguments":"{}"}}]}"#))
        #expect(canonical.usage == nil)
    }

    @Test func jsonToolAnswerIsTheContent() throws {
        let wire = try J.decode(
            BedrockWire.ConverseResponse.self,
            #"{"output":{"message":{"role":"assistant","content":[{"toolUse":{"toolUseId":"t1","name":"json_tool_call","input":{"name":"Paris"}}}]}},"stopReason":"tool_use"}"#
        )
        let canonical = BedrockTranslator.response(wire, id: "i", created: 1, model: "m", jsonToolName: "json_tool_call")
        #expect(canonical.choices.first?.message.content == #"{"name":"Paris"}"#)
        #expect(canonical.choices.first?.message.tool_calls == nil)
        #expect(canonical.choices.first?.finish_reason == "stop")
    }

    @Test(arguments: [
        ("end_turn", "stop"), ("stop_sequence", "stop"), ("max_tokens", "length"),
        ("model_context_window_exceeded", "length"), ("tool_use", "tool_calls"),
        ("guardrail_intervened", "content_filter"), ("content_filtered", "content_filter"),
        ("malformed_model_output", "stop"), ("malformed_tool_use", "stop"), ("something_new", "stop"),
    ])
    func finishReasons(stopReason: String, expected: String) {
        #expect(BedrockTranslator.finishReason(stopReason, hasToolCalls: false) == expected)
    }

    @Test func finishReasonWithToolCalls() {
        #expect(BedrockTranslator.finishReason("end_turn", hasToolCalls: true) == "tool_calls")
        #expect(BedrockTranslator.finishReason("max_tokens", hasToolCalls: true) == "length")
    }
}
