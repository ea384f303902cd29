import Foundation
import SwitchyardCore
import Testing

@testable import SwitchyardProviders

/// Gemini answers → canonical responses (providers.md §3.3, §0.1, §0.2).
@Suite struct GeminiResponseTranslatorTests {
    typealias F = GeminiFixtures

    static let example = #"""
        {
          "candidates": [{
            "content": {"role": "model", "parts": [
              {"text": "Let me check."},
              {"functionCall": {"name": "get_weather", "args": {"city": "Paris"}}, "thoughtSignature": "CvcBAc..."}
            ]},
            "finishReason": "STOP", "index": 0,
            "safetyRatings": [{"category": "HARM_CATEGORY_HARASSMENT", "probability": "NEGLIGIBLE"}]
          }],
          "promptFeedback": {"safetyRatings": []},
          "usageMetadata": {"promptTokenCount": 120, "candidatesTokenCount": 18, "thoughtsTokenCount": 200,
                            "cachedContentTokenCount": 64, "totalTokenCount": 338,
                            "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 120}]},
          "modelVersion": "gemini-2.5-flash",
          "responseId": "abc123"
        }
        """#

    @Test func providersExampleBecomesAToolCallAnswer() throws {
        let counter = F.Counter()
        let result = try GeminiTranslator.response(
            try F.wireResponse(Self.example),
            model: "gemini-2.5-flash",
            created: 1_700_000_000,
            makeToolCallID: counter.next
        )
        let expected = F.json(
            #"""
            {"id":"chatcmpl-abc123","object":"chat.completion","created":1700000000,"model":"gemini-2.5-flash",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Let me check.",
               "tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
               "finish_reason":"tool_calls"}],
             "usage":{"prompt_tokens":120,"completion_tokens":218,"total_tokens":338,
               "prompt_tokens_details":{"cached_tokens":64},"completion_tokens_details":{"reasoning_tokens":200}}}
            """#
        )
        #expect(F.json(result.response.encoded()) == expected)
        #expect(result.signatures.count == 1)
        #expect(result.signatures.first?.id == "call_1")
        #expect(result.signatures.first?.signature == "CvcBAc...")
        #expect(
            result.response.usage?.tokenUsage
                == TokenUsage(promptTokens: 120, completionTokens: 218, cachedPromptTokens: 64)
        )
    }

    @Test func functionCallIDsFromGeminiAreKept() throws {
        let wire = try F.wireResponse(
            #"""
            {"candidates":[{"content":{"role":"model","parts":[
              {"functionCall":{"id":"fc_9","name":"f","args":{"b":1,"a":[true,null]}}}]},"finishReason":"STOP"}]}
            """#
        )
        let result = try GeminiTranslator.response(wire, model: "m", created: 1)
        let message = result.response.choices[0].message
        #expect(message.content == nil)
        #expect(
            message.tool_calls == [CanonicalToolCall(id: "fc_9", name: "f", arguments: #"{"a":[true,null],"b":1}"#)]
        )
        #expect(result.response.choices[0].finish_reason == "tool_calls")
        #expect(result.response.model == "m")
        #expect(result.response.usage == nil)
    }

    @Test func thoughtsAreNotContentAndSeveralCandidatesAreSeveralChoices() throws {
        let wire = try F.wireResponse(
            #"""
            {"candidates":[
              {"content":{"role":"model","parts":[{"text":"thinking...","thought":true},{"text":"Hel"},{"text":"lo"}]},"finishReason":"STOP","index":0},
              {"content":{"role":"model","parts":[{"text":"Hi"}]},"finishReason":"MAX_TOKENS","index":1}],
             "usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":3,"toolUsePromptTokenCount":2}}
            """#
        )
        let response = try GeminiTranslator.response(wire, model: "m", created: 1).response
        #expect(response.choices.map(\.message.content) == ["Hello", "Hi"])
        #expect(response.choices.map(\.finish_reason) == ["stop", "length"])
        #expect(response.usage == CanonicalUsage(prompt: 7, completion: 3))
    }

    @Test func finishReasonTable() {
        #expect(GeminiTranslator.finishReason("STOP", hasToolCalls: false) == "stop")
        #expect(GeminiTranslator.finishReason("STOP", hasToolCalls: true) == "tool_calls")
        #expect(GeminiTranslator.finishReason("FINISH_REASON_UNSPECIFIED", hasToolCalls: false) == "stop")
        #expect(GeminiTranslator.finishReason("MAX_TOKENS", hasToolCalls: true) == "length")
        for reason in ["SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY", "LANGUAGE"] {
            #expect(GeminiTranslator.finishReason(reason, hasToolCalls: false) == "content_filter")
        }
        for reason in ["MALFORMED_FUNCTION_CALL", "OTHER", "TOO_MANY_TOOL_CALLS"] {
            #expect(GeminiTranslator.finishReason(reason, hasToolCalls: false) == "stop")
        }
        #expect(GeminiTranslator.finishReason(nil, hasToolCalls: false) == nil)
    }

    @Test func blockedPromptIsContentFiltered() throws {
        let wire = try F.wireResponse(
            #"{"promptFeedback":{"blockReason":"SAFETY","safetyRatings":[]},"usageMetadata":{"promptTokenCount":8,"totalTokenCount":8}}"#
        )
        do {
            _ = try GeminiTranslator.response(wire, model: "m", created: 1)
            Issue.record("expected a failure")
        } catch {
            #expect(error.kind == .contentFiltered)
            #expect(error.code == "content_filter")
            #expect(error.message.contains("SAFETY"))
        }
    }

    @Test func answerWithoutCandidatesIsMalformed() throws {
        let wire = try F.wireResponse(#"{"modelVersion":"m"}"#)
        do {
            _ = try GeminiTranslator.response(wire, model: "m", created: 1)
            Issue.record("expected a failure")
        } catch {
            #expect(error.kind == .malformedResponse)
        }
    }
}
