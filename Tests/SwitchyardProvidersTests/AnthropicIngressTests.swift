import NIOCore
import SwitchyardCore
import Testing

@testable import SwitchyardProviders

@Suite("/v1/messages ingress: Anthropic requests → canonical, canonical answers and streams → Anthropic (providers.md §2.4)")
struct AnthropicIngressTests {
    typealias T = AnthropicTestSupport

    func request(_ text: String) throws(AnthropicIngressError) -> AnthropicIngressRequest {
        try AnthropicIngressTranslator.request(ByteBuffer(string: text))
    }

    /// The §2.1 request, as the `anthropic` SDK sends it.
    @Test func anthropicExampleRequest() throws {
        let translated = try request(
            #"""
            {"model":"claude-sonnet-4-5","max_tokens":1024,
             "system":[{"type":"text","text":"You are terse.","cache_control":{"type":"ephemeral"}}],
             "messages":[
              {"role":"user","content":[{"type":"text","text":"What is in this image?"},
                {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBOR..."}}]},
              {"role":"assistant","content":[{"type":"text","text":"Let me check the weather."},
                {"type":"tool_use","id":"toolu_01A","name":"get_weather","input":{"city":"Paris"}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01A","content":"{\"temp_c\":21}","is_error":false}]}],
             "tools":[{"name":"get_weather","description":"Current weather",
               "input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}],
             "tool_choice":{"type":"auto","disable_parallel_tool_use":false},
             "temperature":0.7,"top_p":0.9,"top_k":40,"stop_sequences":["\n\nHuman:"],
             "metadata":{"user_id":"end-user-123"},"stream":false}
            """#
        )
        let expected = T.json(
            #"""
            {"model":"claude-sonnet-4-5","max_tokens":1024,"messages":[
              {"role":"system","content":"You are terse."},
              {"role":"user","content":[{"type":"text","text":"What is in this image?"},
                {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBOR..."}}]},
              {"role":"assistant","content":"Let me check the weather.",
               "tool_calls":[{"id":"toolu_01A","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
              {"role":"tool","tool_call_id":"toolu_01A","content":"{\"temp_c\":21}"}],
             "tools":[{"type":"function","function":{"name":"get_weather","description":"Current weather",
               "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}],
             "tool_choice":"auto","temperature":0.7,"top_p":0.9,"stop":["\n\nHuman:"],"user":"end-user-123"}
            """#
        )
        #expect(T.json(translated.body) == expected)
        #expect(translated.model == "claude-sonnet-4-5")
        #expect(translated.stream == false)
        #expect(translated.maxTokens == 1024)
        #expect(translated.stopSequences == ["\n\nHuman:"])
        #expect(translated.summary == ChatRequestSummary(model: "claude-sonnet-4-5", stream: false, includeUsage: false, maxTokens: 1024))
    }

    @Test func streamingToolResultsAndTextInOneUserTurn() throws {
        let translated = try request(
            #"""
            {"model":"m","max_tokens":10,"system":"S","stream":true,
             "messages":[{"role":"user","content":"q"},
              {"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"x"},
                {"type":"tool_use","id":"toolu_1","name":"a","input":{}},{"type":"tool_use","id":"toolu_2","name":"b","input":{"x":[1]}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"one"},{"type":"text","text":"two"}]},
                {"type":"tool_result","tool_use_id":"toolu_2","content":"3","is_error":true},{"type":"text","text":"go on"}]}],
             "tools":[{"name":"a","input_schema":{"type":"object"}},{"name":"b","input_schema":{"type":"object"}}],
             "tool_choice":{"type":"any","disable_parallel_tool_use":true}}
            """#
        )
        let expected = T.json(
            #"""
            {"model":"m","max_tokens":10,"stream":true,"stream_options":{"include_usage":true},
             "messages":[{"role":"system","content":"S"},{"role":"user","content":"q"},
              {"role":"assistant","content":null,"tool_calls":[
                {"id":"toolu_1","type":"function","function":{"name":"a","arguments":"{}"}},
                {"id":"toolu_2","type":"function","function":{"name":"b","arguments":"{\"x\":[1]}"}}]},
              {"role":"tool","tool_call_id":"toolu_1","content":"one\ntwo"},
              {"role":"tool","tool_call_id":"toolu_2","content":"3"},
              {"role":"user","content":"go on"}],
             "tools":[{"type":"function","function":{"name":"a","parameters":{"type":"object"}}},
               {"type":"function","function":{"name":"b","parameters":{"type":"object"}}}],
             "tool_choice":"required","parallel_tool_calls":false}
            """#
        )
        #expect(T.json(translated.body) == expected)
        #expect(translated.summary.includeUsage)
    }

    @Test func outputFormatBecomesResponseFormat() throws {
        let translated = try request(
            #"""
            {"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"thinking":{"type":"adaptive"},
             "output_config":{"effort":"low","format":{"type":"json_schema","schema":{"type":"object","properties":{"a":{"type":"string"}}}}}}
            """#
        )
        let expected = T.json(
            #"""
            {"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],
             "response_format":{"type":"json_schema","json_schema":{"name":"response","strict":true,
               "schema":{"type":"object","properties":{"a":{"type":"string"}}}}}}
            """#
        )
        #expect(T.json(translated.body) == expected)
    }

    @Test(arguments: [
        (#"{"type":"tool","name":"w"}"#, #"{"type":"function","function":{"name":"w"}}"#),
        (#"{"type":"none"}"#, #""none""#),
    ])
    func toolChoices(choice: String, expected: String) throws {
        let translated = try request(
            #"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"tools":[{"name":"w","input_schema":{"type":"object"}}],"tool_choice":\#(choice)}"#
        )
        #expect(T.json(translated.body).objectValue?["tool_choice"] == T.json(expected))
    }

    @Test(arguments: [
        ("[]", "request body must be a JSON object"),
        (#"{"max_tokens":5,"messages":[]}"#, "model: field required"),
        (#"{"model":"m","messages":[{"role":"user","content":"x"}]}"#, "max_tokens: field required"),
        (#"{"model":"m","max_tokens":0,"messages":[{"role":"user","content":"x"}]}"#, "max_tokens: must be an integer of at least 1"),
        (#"{"model":"m","max_tokens":5,"messages":[]}"#, "messages: at least one message is required"),
        (#"{"model":"m","max_tokens":5,"messages":[{"role":"system","content":"x"}]}"#, "messages.0.role: must be 'user' or 'assistant'"),
        (#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"video"}]}]}"#, "messages.0.content.0.type: block type 'video' is not supported"),
        (#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"tools":[{"type":"web_search_20250305","name":"web_search"}]}"#, "tools.0.type: tool type 'web_search_20250305' is not supported by this gateway"),
        (#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"stream":"yes"}"#, "stream: must be a boolean"),
    ])
    func validationErrors(body: String, message: String) {
        #expect(throws: AnthropicIngressError.self) { try request(body) }
        do {
            _ = try request(body)
        } catch {
            #expect(error.message == message)
            #expect(error.status == 400)
            #expect(error.type == "invalid_request_error")
        }
    }

    /// The §1.2 answer, as the client of `/v1/messages` must see it.
    @Test func canonicalAnswerBecomesMessage() throws {
        let answer = #"""
            {"id":"chatcmpl-123","object":"chat.completion","created":1730000000,"model":"gpt-4o-2024-08-06",
             "choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":null,
               "tool_calls":[{"id":"call_abc","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
               "logprobs":null,"finish_reason":"tool_calls"}],
             "usage":{"prompt_tokens":120,"completion_tokens":18,"total_tokens":138,
               "prompt_tokens_details":{"cached_tokens":64,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}},
             "service_tier":"default","system_fingerprint":"fp_abc"}
            """#
        let message = try AnthropicIngressTranslator.response(ByteBuffer(string: answer))
        let expected = T.json(
            #"""
            {"id":"msg_123","type":"message","role":"assistant","model":"gpt-4o-2024-08-06",
             "content":[{"type":"tool_use","id":"call_abc","name":"get_weather","input":{"city":"Paris"}}],
             "stop_reason":"tool_use","stop_sequence":null,
             "usage":{"input_tokens":56,"cache_creation_input_tokens":0,"cache_read_input_tokens":64,"output_tokens":18}}
            """#
        )
        #expect(T.json(message) == expected)
    }

    @Test(arguments: [("stop", "end_turn"), ("length", "max_tokens"), ("tool_calls", "tool_use"), ("content_filter", "refusal")])
    func textAnswerStopReasons(finish: String, stop: String) throws {
        let answer = #"{"id":"x","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"\#(finish)"}],"usage":{"prompt_tokens":3,"completion_tokens":1}}"#
        let message = T.json(try AnthropicIngressTranslator.response(ByteBuffer(string: answer), model: "claude-route"))
        #expect(message.objectValue?["stop_reason"] == .string(stop))
        #expect(message.objectValue?["model"] == .string("claude-route"))
        #expect(message.objectValue?["content"] == T.json(#"[{"type":"text","text":"Hi"}]"#))
        #expect(message.objectValue?["id"] == .string("msg_x"))
    }

    @Test func undecodableAnswerIsAnUpstreamError() {
        #expect(throws: AnthropicIngressError(status: 502, type: "api_error", message: "the upstream answer could not be translated")) {
            try AnthropicIngressTranslator.response(ByteBuffer(string: #"{"object":"list"}"#))
        }
    }

    @Test func errorShapes() {
        #expect(
            T.json(AnthropicErrorShape.body(type: "rate_limit_error", message: "slow \"down\"", requestID: "req_1"))
                == T.json(#"{"type":"error","error":{"type":"rate_limit_error","message":"slow \"down\""},"request_id":"req_1"}"#)
        )
        let frames = T.frames([AnthropicErrorShape.event(message: "upstream failed")])
        #expect(frames.count == 1)
        #expect(frames.first?.name == "error")
        #expect(frames.first?.data == T.json(#"{"type":"error","error":{"type":"api_error","message":"upstream failed"}}"#))
        #expect(AnthropicErrorShape.type(forStatus: 529) == "overloaded_error")
        #expect(AnthropicErrorShape.type(forStatus: 422) == "invalid_request_error")
        #expect(AnthropicErrorShape.type(forStatus: 502) == "api_error")
    }
}
