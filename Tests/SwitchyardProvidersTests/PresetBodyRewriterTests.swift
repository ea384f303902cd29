import Foundation
import NIOCore
import SwitchyardCore
import Testing

@testable import SwitchyardProviders

@Suite("PresetBodyRewriter: preset deviations by splicing, every other byte kept")
struct PresetBodyRewriterTests {
    static func rewrite(
        _ body: String,
        preset: OpenAICompatiblePreset,
        model: String = "m",
        forceUsage: Bool = false
    ) -> String? {
        PresetBodyRewriter.rewrite(
            ByteBuffer(string: body),
            upstreamModel: model,
            forceUsage: forceUsage,
            preset: preset
        )
        .map { String(buffer: $0) }
    }

    static func object(_ json: String) throws -> [String: Any] {
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8))
        return try #require(parsed as? [String: Any])
    }

    @Test func openAIPresetIsThePlainModelSplice() {
        let body = #"{"model":"r","logit_bias":{"1":2},"seed":3,"stream_options":{"include_usage":false}}"#
        for force in [false, true] {
            let plain = OpenAIBodyRewriter.rewrite(ByteBuffer(string: body), upstreamModel: "m", forceUsage: force).map
            { String(buffer: $0) }
            #expect(Self.rewrite(body, preset: .openai, forceUsage: force) == plain)
        }
        #expect(!OpenAICompatiblePreset.openai.hasRequestDeviations)
    }

    @Test func groqDropsUnsupportedParamsAndKeepsEveryOtherByte() {
        let body = """
            {"model" : "r", "logprobs": true,
             "messages": [{"role": "user", "name": "ann", "content": "hi"}],
             "top_logprobs": 2, "temperature": 0.5, "n": 3, "logit_bias": {"50256": -100}}
            """
        let expected = """
            {"model" : "m", \
            "messages": [{"role": "user", "content": "hi"}],
             "temperature": 0.5}
            """
        #expect(Self.rewrite(body, preset: .groq) == expected)
    }

    @Test func groqKeepsNOfOne() {
        #expect(
            Self.rewrite(#"{"model":"r","n":1,"stream":true}"#, preset: .groq) == #"{"model":"m","n":1,"stream":true}"#
        )
        #expect(Self.rewrite(#"{"model":"r","n":2,"stream":true}"#, preset: .groq) == #"{"model":"m","stream":true}"#)
    }

    @Test func groqForcesUsageLikeOpenAI() throws {
        let output = try #require(Self.rewrite(#"{"model":"r","logprobs":true}"#, preset: .groq, forceUsage: true))
        #expect(output == #"{"stream_options":{"include_usage":true},"model":"m"}"#)
    }

    @Test func mistralRenamesSeedAndRewritesToolChoice() {
        let body = #"{"model":"r","seed":42,"tool_choice":"required","max_completion_tokens":64,"messages":[]}"#
        #expect(
            Self.rewrite(body, preset: .mistral)
                == #"{"model":"m","random_seed":42,"tool_choice":"any","max_tokens":64,"messages":[]}"#
        )
    }

    @Test func mistralKeepsTheClientsOwnRandomSeed() {
        #expect(
            Self.rewrite(#"{"random_seed":1,"seed":2,"model":"r"}"#, preset: .mistral)
                == #"{"random_seed":1,"model":"m"}"#
        )
    }

    @Test func mistralDropsUnknownNullAndStreamOptionsAndDoesNotForceUsage() {
        let body =
            #"{"model":"r","stream":true,"stream_options":{"include_usage":true},"user":"u","metadata":{"a":1},"top_p":null,"store":false}"#
        #expect(Self.rewrite(body, preset: .mistral, forceUsage: true) == #"{"model":"m","stream":true}"#)
    }

    @Test func mistralToolCallIDsAreRewrittenConsistently() throws {
        let body = """
            {"model":"r","messages":[
            {"role":"user","name":"ann","content":"weather?"},
            {"role":"assistant","content":null,"tool_calls":[{"id":"call_abc","type":"function","function":{"name":"w","arguments":"{}"}},{"id":"toolu_01XyZ","type":"function","function":{"name":"w","arguments":"{}"}}]},
            {"role":"tool","tool_call_id":"call_abc","name":"w","content":"21"},
            {"role":"tool","tool_call_id":"toolu_01XyZ","content":"22"},
            {"role":"assistant","tool_calls":[{"id":"abcDEF123","type":"function","function":{"name":"w","arguments":"{}"}}]},
            {"role":"tool","tool_call_id":"abcDEF123","content":"23"}]}
            """
        let output = try #require(Self.rewrite(body, preset: .mistral))
        let first = ToolCallIDMapper.nineAlphanumeric("call_abc")
        let second = ToolCallIDMapper.nineAlphanumeric("toolu_01XyZ")
        #expect(first != second)
        var expected = body.replacingOccurrences(of: #""model":"r""#, with: #""model":"m""#).replacingOccurrences(
            of: "call_abc",
            with: first
        ).replacingOccurrences(of: "toolu_01XyZ", with: second)
        expected = expected.replacingOccurrences(of: #""role":"user","name":"ann","#, with: #""role":"user","#)
        #expect(output == expected)
        let messages = try #require(try Self.object(output)["messages"] as? [[String: Any]])
        #expect(messages[2]["name"] as? String == "w")  // kept on tool messages
        #expect(messages[0]["name"] == nil)
        // Same input in a later request: the same id.
        let later = try #require(
            Self.rewrite(#"{"messages":[{"role":"tool","tool_call_id":"call_abc","content":"x"}]}"#, preset: .mistral)
        )
        #expect(later.contains(first))
    }

    @Test func toolCallIDMapping() {
        #expect(ToolCallIDMapper.nineAlphanumeric("abcDEF123") == "abcDEF123")
        for id in ["call_abc", "toolu_01A09q90qw90lq917835lq9", "", "tooluse_x", "é", "abcDEF12"] {
            let mapped = ToolCallIDMapper.nineAlphanumeric(id)
            #expect(mapped.utf8.count == 9)
            #expect(mapped.utf8.allSatisfy(ToolCallIDMapper.isAlphanumeric))
            #expect(mapped == ToolCallIDMapper.nineAlphanumeric(id))
        }
    }

    @Test func escapedIDsAreReadUnescaped() throws {
        let output = try #require(
            Self.rewrite(
                #"{"messages":[{"role":"tool","tool_call_id":"call_\u0061bc","content":"x"}]}"#,
                preset: .mistral
            )
        )
        #expect(output.contains(ToolCallIDMapper.nineAlphanumeric("call_abc")))
    }

    @Test(arguments: [
        ("grok-4-0709", false, false), ("grok-3-mini", false, true), ("grok-code-fast-1", false, false),
        ("grok-4-fast-non-reasoning", true, false), ("grok-2-1212", true, true), ("xai/grok-4", false, false),
    ])
    func xaiReasoningModelsLoseStopAndPenalties(model: String, keepsStop: Bool, keepsEffort: Bool) throws {
        let body =
            #"{"model":"r","stop":["x"],"presence_penalty":0.1,"frequency_penalty":0.2,"reasoning_effort":"low","messages":[]}"#
        let parsed = try Self.object(try #require(Self.rewrite(body, preset: .xai, model: model)))
        #expect((parsed["stop"] != nil) == keepsStop)
        #expect((parsed["presence_penalty"] != nil) == keepsStop)
        #expect((parsed["frequency_penalty"] != nil) == keepsStop)
        #expect((parsed["reasoning_effort"] != nil) == keepsEffort)
        #expect(parsed["messages"] != nil)
    }

    @Test func moonshotClampsTemperatureAndDropsRequiredToolChoice() {
        #expect(
            Self.rewrite(#"{"model":"r","temperature":1.5,"tool_choice":"required"}"#, preset: .moonshot)
                == #"{"model":"m","temperature":1}"#
        )
        #expect(
            Self.rewrite(#"{"model":"r","temperature":0.7,"tool_choice":"auto"}"#, preset: .moonshot)
                == #"{"model":"m","temperature":0.7,"tool_choice":"auto"}"#
        )
        #expect(
            Self.rewrite(#"{"model":"r","temperature":-1}"#, preset: .moonshot) == #"{"model":"m","temperature":0}"#
        )
    }

    @Test func fireworksToolChoiceRequiredIsAny() {
        #expect(
            Self.rewrite(#"{"model":"r","tool_choice":"required"}"#, preset: .fireworks)
                == #"{"model":"m","tool_choice":"any"}"#
        )
        let named = #"{"model":"r","tool_choice":{"type":"function","function":{"name":"f"}}}"#
        #expect(
            Self.rewrite(named, preset: .fireworks)
                == #"{"model":"m","tool_choice":{"type":"function","function":{"name":"f"}}}"#
        )
    }

    @Test func fireworksSchemaGoesInJSONObject() {
        let body =
            #"{"model":"r","response_format":{"type":"json_schema","json_schema":{"name":"a","schema":{"type":"object","properties":{"x":{"type":"string"}}},"strict":true}}}"#
        #expect(
            Self.rewrite(body, preset: .fireworks)
                == #"{"model":"m","response_format":{"type":"json_object","schema":{"type":"object","properties":{"x":{"type":"string"}}}}}"#
        )
        let plain = #"{"model":"r","response_format":{"type":"json_object"}}"#
        #expect(Self.rewrite(plain, preset: .fireworks) == #"{"model":"m","response_format":{"type":"json_object"}}"#)
    }

    @Test func deepseekFlattensTextPartsOnly() {
        let body =
            #"{"model":"r","messages":[{"role":"system","content":[{"type":"text","text":"Be "},{"type":"text","text":"brief \"ok\"\n"}]},{"role":"user","content": [{"type":"text","text":"a"},{"type":"image_url","image_url":{"url":"https://x/y.png"}}]},{"role":"user","content":"plain"}]}"#
        #expect(
            Self.rewrite(body, preset: .deepseek, model: "deepseek-chat")
                == #"{"model":"deepseek-chat","messages":[{"role":"system","content":"Be brief \"ok\"\n"},{"role":"user","content": [{"type":"text","text":"a"},{"type":"image_url","image_url":{"url":"https://x/y.png"}}]},{"role":"user","content":"plain"}]}"#
        )
    }

    @Test func deepseekReasonerLosesSamplingParams() {
        let body = #"{"model":"r","temperature":0.2,"logprobs":true,"messages":[]}"#
        #expect(
            Self.rewrite(body, preset: .deepseek, model: "deepseek-reasoner")
                == #"{"model":"deepseek-reasoner","messages":[]}"#
        )
        #expect(
            Self.rewrite(body, preset: .deepseek, model: "deepseek-chat")
                == #"{"model":"deepseek-chat","temperature":0.2,"logprobs":true,"messages":[]}"#
        )
    }

    @Test func perplexityDropsToolsAndStreamOptions() {
        let body =
            #"{"tools":[{"type":"function","function":{"name":"f"}}],"model":"r","tool_choice":"auto","stream_options":{"include_usage":true},"stream":true}"#
        #expect(Self.rewrite(body, preset: .perplexity, forceUsage: true) == #"{"model":"m","stream":true}"#)
    }

    @Test func ollamaDropsLogitBiasNAndUser() {
        #expect(
            Self.rewrite(#"{"model":"r","n":1,"user":"u","logit_bias":{},"seed":1}"#, preset: .ollama)
                == #"{"model":"m","seed":1}"#
        )
    }

    @Test func removingEveryMemberLeavesAValidObject() throws {
        #expect(Self.rewrite(#"{"logprobs":true,"logit_bias":{}}"#, preset: .groq) == #"{"model":"m"}"#)
        #expect(Self.rewrite("{ \"logprobs\" : true }", preset: .groq) == "{\"model\":\"m\"  }")
        let forced = try #require(Self.rewrite(#"{"logprobs":true}"#, preset: .groq, forceUsage: true))
        #expect(try Self.object(forced).count == 2)
    }

    @Test(arguments: [
        #"{"a":1,"logprobs":true}"#, #"{"logprobs":true,"a":1}"#, #"{"a":1,"logprobs":true,"b":2}"#,
        #"{"a":1,"logprobs":true,"top_logprobs":1}"#, #"{"logprobs":true,"top_logprobs":1,"a":1}"#,
        "{\n \"a\" : 1 ,\n \"logprobs\" : true ,\n \"b\" : [ 2 ] ,\n \"logit_bias\" : { } \n}",
        #"{"logprobs":true,"a":1,"top_logprobs":1,"b":2,"logit_bias":{}}"#,
    ])
    func removalKeepsValidJSON(body: String) throws {
        let output = try #require(Self.rewrite(body, preset: .groq))
        let parsed = try Self.object(output)
        #expect(parsed["logprobs"] == nil && parsed["top_logprobs"] == nil && parsed["logit_bias"] == nil)
        #expect(parsed["model"] as? String == "m")
        #expect(parsed["a"] as? Int == 1)
    }

    @Test(arguments: ["", "null", "[]", #"{"model":"a","model":"b"}"#, #"{"a":1,}"#, "{"])
    func malformedOrAmbiguousBodiesGiveNil(body: String) {
        #expect(Self.rewrite(body, preset: .mistral) == nil)
        #expect(Self.rewrite(body, preset: .groq) == nil)
    }

    @Test func presetTableCoversEveryCompatibleProtocol() {
        for wire in ProviderProtocol.allCases where wire.isOpenAICompatible {
            #expect(OpenAICompatiblePreset.preset(for: wire).wire == wire)
        }
    }
}
