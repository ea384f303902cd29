import Foundation
import SwitchyardCore
import Testing

@testable import SwitchyardProviders

@Suite("AnthropicTranslator: canonical requests → Messages API, answers → canonical (providers.md §2)")
struct AnthropicTranslatorTests {
    typealias T = AnthropicTestSupport

    func translate(_ body: String, stream: Bool = false) throws -> (JSONValue, String?) {
        let translated = try AnthropicTranslator.request(try T.canonical(body), upstreamModel: "claude-sonnet-4-5", stream: stream, defaultMaxTokens: 4096)
        return (T.json(encoding: translated.request), translated.jsonToolName)
    }

    /// The §1.1 request, translated per §2.6.
    @Test func openAIExampleRequest() throws {
        let body = #"""
            {"model":"gpt-4o","messages":[
              {"role":"system","content":"You are terse."},
              {"role":"user","content":[{"type":"text","text":"What is in this image?"},
                {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBOR...","detail":"auto"}}]},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_abc","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
              {"role":"tool","tool_call_id":"call_abc","content":"{\"temp_c\":21}"}],
             "tools":[{"type":"function","function":{"name":"get_weather","description":"Current weather",
               "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]},"strict":false}}],
             "tool_choice":"auto","parallel_tool_calls":true,
             "temperature":0.7,"top_p":1,"max_completion_tokens":512,"stop":["\n\n"],
             "seed":42,"n":1,"presence_penalty":0,"frequency_penalty":0,"logprobs":false,"top_logprobs":0,
             "user":"end-user-123","stream":true,"stream_options":{"include_usage":true}}
            """#
        let (request, jsonTool) = try translate(body, stream: true)
        let expected = T.json(
            #"""
            {"model":"claude-sonnet-4-5","max_tokens":512,"system":"You are terse.",
             "messages":[
              {"role":"user","content":[{"type":"text","text":"What is in this image?"},
                {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBOR..."}}]},
              {"role":"assistant","content":[{"type":"tool_use","id":"call_abc","name":"get_weather","input":{"city":"Paris"}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"call_abc","content":"{\"temp_c\":21}"}]}],
             "tools":[{"name":"get_weather","description":"Current weather",
               "input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}],
             "tool_choice":{"type":"auto"},
             "temperature":0.7,"top_p":1,"metadata":{"user_id":"end-user-123"},"stream":true}
            """#
        )
        #expect(request == expected)
        #expect(jsonTool == nil)
    }

    @Test func defaultsMaxTokensAndFoldsSystemAndDeveloper() throws {
        let (request, _) = try translate(
            #"""
            {"model":"m","messages":[{"role":"developer","content":"A"},{"role":"user","content":"hi"},
              {"role":"system","content":[{"type":"text","text":"B"}]}],"temperature":1.7,"stop":"END"}
            """#
        )
        let expected = T.json(
            #"""
            {"model":"claude-sonnet-4-5","max_tokens":4096,"system":"A\n\nB",
             "messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}],
             "temperature":1,"stop_sequences":["END"]}
            """#
        )
        #expect(request == expected)
    }

    @Test func consecutiveToolResultsBecomeOneUserTurnAndRolesMerge() throws {
        let (request, _) = try translate(
            #"""
            {"model":"m","max_tokens":100,"messages":[
              {"role":"assistant","content":"Earlier answer"},
              {"role":"user","content":"Weather in Paris and Rome?"},
              {"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]},
              {"role":"assistant","content":"","tool_calls":[
                {"id":"call_1","type":"function","function":{"name":"w","arguments":"{\"city\":\"Paris\"}"}},
                {"id":"functions.w:1","type":"function","function":{"name":"w","arguments":""}}]},
              {"role":"tool","tool_call_id":"call_1","content":"21"},
              {"role":"tool","tool_call_id":"functions.w:1","content":""},
              {"role":"user","content":"Thanks"}]}
            """#
        )
        let expected = T.json(
            #"""
            {"model":"claude-sonnet-4-5","max_tokens":100,"messages":[
              {"role":"user","content":[{"type":"text","text":"."}]},
              {"role":"assistant","content":[{"type":"text","text":"Earlier answer"}]},
              {"role":"user","content":[{"type":"text","text":"Weather in Paris and Rome?"},
                {"type":"image","source":{"type":"url","url":"https://example.com/a.png"}}]},
              {"role":"assistant","content":[
                {"type":"tool_use","id":"call_1","name":"w","input":{"city":"Paris"}},
                {"type":"tool_use","id":"functions_w_1","name":"w","input":{}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"call_1","content":"21"},
                {"type":"tool_result","tool_use_id":"functions_w_1"},{"type":"text","text":"Thanks"}]}]}
            """#
        )
        #expect(request == expected)
    }

    @Test(arguments: [
        (#""auto""#, nil as Bool?, #"{"type":"auto"}"#),
        (#""required""#, false, #"{"type":"any","disable_parallel_tool_use":true}"#),
        (#""none""#, nil, #"{"type":"none"}"#),
        (#"{"type":"function","function":{"name":"w"}}"#, nil, #"{"type":"tool","name":"w"}"#),
        ("null", false, #"{"type":"auto","disable_parallel_tool_use":true}"#),
    ])
    func toolChoiceMapping(choice: String, parallel: Bool?, expected: String) throws {
        let parallelField = parallel.map { #","parallel_tool_calls":\#($0)"# } ?? ""
        let (request, _) = try translate(
            #"{"model":"m","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"w"}}],"tool_choice":\#(choice)\#(parallelField)}"#
        )
        #expect(request.objectValue?["tool_choice"] == T.json(expected))
        #expect(request.objectValue?["tools"] == T.json(#"[{"name":"w","input_schema":{"type":"object","properties":{}}}]"#))
    }

    @Test func toolChoiceWithoutToolsIsDropped() throws {
        let (request, _) = try translate(#"{"model":"m","messages":[{"role":"user","content":"x"}],"tool_choice":"none"}"#)
        #expect(request.objectValue?["tool_choice"] == nil)
        #expect(request.objectValue?["tools"] == nil)
    }

    @Test func jsonSchemaBecomesForcedTool() throws {
        let (request, jsonTool) = try translate(
            #"""
            {"model":"m","messages":[{"role":"user","content":"x"}],
             "response_format":{"type":"json_schema","json_schema":{"name":"answer","schema":{"type":"object","properties":{"a":{"type":"integer"}}},"strict":true}}}
            """#
        )
        #expect(jsonTool == "json_tool_call")
        #expect(
            request.objectValue?["tools"]
                == T.json(#"[{"name":"json_tool_call","description":"Respond with a JSON object.","input_schema":{"type":"object","properties":{"a":{"type":"integer"}}}}]"#)
        )
        #expect(request.objectValue?["tool_choice"] == T.json(#"{"type":"tool","name":"json_tool_call"}"#))
    }

    @Test func refusesWhatAnthropicCannotExpress() throws {
        let cases = [
            #"{"model":"m","messages":[{"role":"user","content":"x"}],"n":2}"#,
            #"{"model":"m","messages":[{"role":"assistant","content":null,"tool_calls":[{"id":"a","type":"function","function":{"name":"w","arguments":"{oops"}}]}]}"#,
            #"{"model":"m","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"x","format":"wav"}}]}]}"#,
            #"{"model":"m","messages":[{"role":"tool","content":"x"}]}"#,
            #"{"model":"m","messages":[{"role":"system","content":"only a system prompt"}]}"#,
        ]
        for body in cases {
            #expect(throws: UpstreamFailure.self) { _ = try translate(body) }
            do {
                _ = try translate(body)
            } catch let failure as UpstreamFailure {
                #expect(failure.kind == .invalidRequest)
                #expect(failure.status == 400)
            }
        }
    }

    /// The §2.2 answer.
    @Test func responseExample() throws {
        let wire = try JSONDecoder().decode(
            AnthropicWire.Response.self,
            from: Data(
                #"""
                {"id":"msg_01XYZ","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
                 "content":[{"type":"text","text":"Let me check."},
                   {"type":"tool_use","id":"toolu_01A","name":"get_weather","input":{"city":"Paris"}}],
                 "stop_reason":"tool_use","stop_sequence":null,
                 "usage":{"input_tokens":25,"output_tokens":40,"cache_creation_input_tokens":0,"cache_read_input_tokens":1200,
                   "cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},"service_tier":"standard"}}
                """#.utf8
            )
        )
        let canonical = AnthropicTranslator.response(wire, created: 1_730_000_000, fallbackModel: "x", jsonToolName: nil)
        let expected = T.json(
            #"""
            {"id":"msg_01XYZ","object":"chat.completion","created":1730000000,"model":"claude-sonnet-4-5-20250929",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Let me check.",
               "tool_calls":[{"id":"toolu_01A","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
               "finish_reason":"tool_calls"}],
             "usage":{"prompt_tokens":1225,"completion_tokens":40,"total_tokens":1265,
               "prompt_tokens_details":{"cached_tokens":1200},"completion_tokens_details":{"reasoning_tokens":0}}}
            """#
        )
        #expect(T.json(canonical.encoded()) == expected)
        #expect(canonical.usage?.tokenUsage == TokenUsage(promptTokens: 1225, completionTokens: 40, cachedPromptTokens: 1200))
    }

    @Test func jsonToolAnswerBecomesText() throws {
        let wire = try JSONDecoder().decode(
            AnthropicWire.Response.self,
            from: Data(
                #"{"id":"msg_1","model":"c","content":[{"type":"tool_use","id":"toolu_1","name":"json_tool_call","input":{"b":[1,2],"a":"x"}}],"stop_reason":"tool_use","usage":{"input_tokens":5,"output_tokens":7}}"#.utf8
            )
        )
        let canonical = AnthropicTranslator.response(wire, created: 0, fallbackModel: "c", jsonToolName: "json_tool_call")
        #expect(canonical.choices.first?.message.content == #"{"a":"x","b":[1,2]}"#)
        #expect(canonical.choices.first?.message.tool_calls == nil)
        #expect(canonical.choices.first?.finish_reason == "stop")
    }

    @Test(arguments: [
        ("end_turn", "stop"), ("stop_sequence", "stop"), ("pause_turn", "stop"), ("max_tokens", "length"),
        ("model_context_window_exceeded", "length"), ("tool_use", "tool_calls"), ("refusal", "content_filter"),
    ])
    func finishReasons(stopReason: String, finishReason: String) {
        #expect(AnthropicTranslator.finishReason(stopReason) == finishReason)
    }

    @Test(arguments: [
        ("claude-3-5-sonnet-20241022", true), ("claude-sonnet-4-5", true), ("claude-opus-4-20250514", true),
        ("claude-opus-4-6", true), ("claude-opus-4-7", false), ("claude-opus-4-7-20260101", false), ("claude-sonnet-5", false),
    ])
    func samplingParametersDroppedForNewestModels(model: String, accepts: Bool) throws {
        #expect(AnthropicTranslator.acceptsSamplingParameters(model: model) == accepts)
        let canonical = try T.canonical(#"{"model":"m","messages":[{"role":"user","content":"x"}],"temperature":0.5,"top_p":0.9}"#)
        let request = try AnthropicTranslator.request(canonical, upstreamModel: model, stream: false, defaultMaxTokens: 10).request
        #expect((request.temperature != nil) == accepts)
        #expect((request.top_p != nil) == accepts)
    }

    @Test func endpointFromBaseURL() {
        #expect(AnthropicAdapter.endpoint(baseURL: "https://api.anthropic.com") == "https://api.anthropic.com/v1/messages")
        #expect(AnthropicAdapter.endpoint(baseURL: "http://127.0.0.1:9000/") == "http://127.0.0.1:9000/v1/messages")
        #expect(AnthropicAdapter.endpoint(baseURL: "https://proxy.example/v1") == "https://proxy.example/v1/messages")
    }
}
