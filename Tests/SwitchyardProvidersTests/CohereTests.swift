import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import SwitchyardCore
import Testing

@testable import SwitchyardProviders

@Suite("Cohere v2: request, response, stream, errors (providers.md §6)")
struct CohereTests {
    static func json(_ text: String) -> JSONValue {
        (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .string("<invalid JSON: \(text)>")
    }

    static func json(encoding value: some Encodable) -> JSONValue {
        guard let data = try? JSONEncoder().encode(value) else { return .string("<unencodable>") }
        return json(String(decoding: data, as: UTF8.self))
    }

    static func canonical(_ text: String) throws -> CanonicalChatRequest {
        try JSONDecoder().decode(CanonicalChatRequest.self, from: Data(text.utf8))
    }

    @Test func requestGolden() throws {
        let canonical = try Self.canonical(
            """
            {"model":"route","messages":[
              {"role":"system","content":"You are terse."},
              {"role":"user","content":"Weather in Paris?"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"get_weather_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
              {"role":"tool","tool_call_id":"get_weather_1","content":"{\\"temp_c\\":21}"}],
             "tools":[{"type":"function","function":{"name":"get_weather","description":"...","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
             "tool_choice":"required","response_format":{"type":"json_object"},
             "max_tokens":512,"temperature":0.3,"top_p":0.9,"stop":["\\n\\n"],"seed":42,
             "frequency_penalty":0,"presence_penalty":0,"n":1,"user":"u","logit_bias":{"1":1},"stream":false}
            """
        )
        let wire = try CohereTranslator.request(canonical, upstreamModel: "command-a-03-2025", stream: false)
        let expected = Self.json(
            """
            {"model":"command-a-03-2025","messages":[
              {"role":"system","content":"You are terse."},
              {"role":"user","content":"Weather in Paris?"},
              {"role":"assistant","tool_calls":[{"id":"get_weather_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
              {"role":"tool","tool_call_id":"get_weather_1","content":"{\\"temp_c\\":21}"}],
             "tools":[{"type":"function","function":{"name":"get_weather","description":"...","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
             "tool_choice":"REQUIRED","response_format":{"type":"json_object"},
             "max_tokens":512,"temperature":0.3,"p":0.9,"stop_sequences":["\\n\\n"],"seed":42,
             "frequency_penalty":0,"presence_penalty":0,"stream":false}
            """
        )
        #expect(Self.json(encoding: wire) == expected)
    }

    @Test func namedToolChoiceSendsOnlyThatToolRequired() throws {
        let canonical = try Self.canonical(
            """
            {"model":"r","messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAA"}}]}],
             "tools":[{"type":"function","function":{"name":"a"}},{"type":"function","function":{"name":"b","strict":true}}],
             "tool_choice":{"type":"function","function":{"name":"b"}},
             "response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object"}}},
             "max_completion_tokens":9}
            """
        )
        let wire = try CohereTranslator.request(canonical, upstreamModel: "command-a-vision", stream: true)
        #expect(wire.tools?.map(\.function.name) == ["b"])
        #expect(wire.tool_choice == "REQUIRED")
        #expect(wire.strict_tools == true)
        #expect(wire.max_tokens == 9)
        #expect(wire.stream)
        #expect(
            Self.json(encoding: wire.response_format)
                == Self.json(#"{"type":"json_object","json_schema":{"type":"object"}}"#)
        )
        #expect(
            Self.json(encoding: wire.messages[0])
                == Self.json(
                    #"{"role":"user","content":[{"type":"text","text":"a"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAA"}}]}"#
                )
        )
        let none = try CohereTranslator.request(
            try Self.canonical(#"{"model":"r","messages":[{"role":"developer","content":"s"}],"tool_choice":"none"}"#),
            upstreamModel: "c",
            stream: false
        )
        #expect(none.tool_choice == "NONE")
        #expect(none.messages[0].role == "system")
    }

    @Test func responseGolden() throws {
        let body = """
            {"id": "c14c80c3", "finish_reason": "TOOL_CALL",
             "message": {"role": "assistant", "tool_plan": "I will call get_weather.", "tool_calls": [{"id": "get_weather_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"city\\":\\"Paris\\"}"}}],
                         "content": [], "citations": []},
             "usage": {"billed_units": {"input_tokens": 20, "output_tokens": 12}, "tokens": {"input_tokens": 520, "output_tokens": 12}, "cached_tokens": 256}}
            """
        let wire = try JSONDecoder().decode(CohereWire.Response.self, from: Data(body.utf8))
        let response = CohereTranslator.response(wire, created: 1_730_000_000, model: "command-a-03-2025")
        let expected = Self.json(
            """
            {"id":"c14c80c3","object":"chat.completion","created":1730000000,"model":"command-a-03-2025",
             "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"get_weather_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},"finish_reason":"tool_calls"}],
             "usage":{"prompt_tokens":520,"completion_tokens":12,"total_tokens":532,"prompt_tokens_details":{"cached_tokens":256},"completion_tokens_details":{"reasoning_tokens":0}}}
            """
        )
        #expect(Self.json(String(buffer: response.encoded())) == expected)
    }

    @Test(arguments: [
        ("COMPLETE", "stop"), ("STOP_SEQUENCE", "stop"), ("MAX_TOKENS", "length"), ("TOOL_CALL", "tool_calls"),
        ("ERROR", "stop"), ("TIMEOUT", "stop"),
    ])
    func finishReasons(cohere: String, openAI: String) throws {
        let body =
            #"{"id":"x","finish_reason":"\#(cohere)","message":{"role":"assistant","content":[{"type":"text","text":"Hi"}]}}"#
        let wire = try JSONDecoder().decode(CohereWire.Response.self, from: Data(body.utf8))
        let response = CohereTranslator.response(wire, created: 0, model: "c")
        #expect(response.choices[0].finish_reason == openAI)
        #expect(response.choices[0].message.content == "Hi")
        #expect(response.usage == nil)
    }

    static func stream(_ events: [String]) async throws(UpstreamFailure) -> [ChatStreamEvent] {
        let sse = events.map { "event: x\ndata: \($0)\n\n" }.joined()
        var source = CohereStreamSource(
            body: .bytes(ByteBuffer(string: sse)),
            translator: CohereStreamTranslator(created: 1, model: "command-a")
        )
        var out: [ChatStreamEvent] = []
        while let event = try await source.next() { out.append(event) }
        return out
    }

    static func payloads(_ events: [ChatStreamEvent]) -> [JSONValue] {
        events.map { event in
            switch event {
            case .chunk(let bytes), .usage(_, let bytes): json(String(buffer: bytes))
            }
        }
    }

    static func chunk(_ delta: String, finish: String = "null") -> JSONValue {
        json(
            #"{"id":"m1","object":"chat.completion.chunk","created":1,"model":"command-a","choices":[{"index":0,"delta":\#(delta),"finish_reason":\#(finish)}]}"#
        )
    }

    @Test func textStream() async throws {
        let events = try await Self.stream([
            #"{"type":"message-start","id":"m1","delta":{"message":{"role":"assistant","content":[],"tool_plan":"","tool_calls":[],"citations":[]}}}"#,
            #"{"type":"content-start","index":0,"delta":{"message":{"content":{"type":"text","text":""}}}}"#,
            #"{"type":"content-delta","index":0,"delta":{"message":{"content":{"text":"Hel"}}}}"#,
            #"{"type":"content-delta","index":0,"delta":{"message":{"content":{"text":"lo"}}}}"#,
            #"{"type":"content-end","index":0}"#,
            #"{"type":"message-end","delta":{"finish_reason":"COMPLETE","usage":{"billed_units":{"input_tokens":3,"output_tokens":2},"tokens":{"input_tokens":70,"output_tokens":2}},"error":null}}"#,
        ])
        #expect(
            Self.payloads(events) == [
                Self.chunk(#"{"role":"assistant","content":""}"#),
                Self.chunk(#"{"content":"Hel"}"#),
                Self.chunk(#"{"content":"lo"}"#),
                Self.chunk("{}", finish: #""stop""#),
                Self.json(
                    #"{"id":"m1","object":"chat.completion.chunk","created":1,"model":"command-a","choices":[],"usage":{"prompt_tokens":70,"completion_tokens":2,"total_tokens":72,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}"#
                ),
            ]
        )
        guard case .usage(let usage, _) = events.last else {
            Issue.record("usage chunk missing")
            return
        }
        #expect(usage == TokenUsage(promptTokens: 70, completionTokens: 2))
    }

    @Test func toolCallStream() async throws {
        let events = try await Self.stream([
            #"{"type":"message-start","id":"m1","delta":{"message":{"role":"assistant"}}}"#,
            #"{"type":"tool-plan-delta","delta":{"message":{"tool_plan":"I will"}}}"#,
            #"{"type":"tool-call-start","index":0,"delta":{"message":{"tool_calls":{"id":"get_weather_1","type":"function","function":{"name":"get_weather","arguments":""}}}}}"#,
            #"{"type":"tool-call-delta","index":0,"delta":{"message":{"tool_calls":{"function":{"arguments":"{\"ci"}}}}}"#,
            #"{"type":"tool-call-delta","index":0,"delta":{"message":{"tool_calls":{"function":{"arguments":"ty\":\"Paris\"}"}}}}}"#,
            #"{"type":"tool-call-end","index":0}"#,
            #"{"type":"message-end","delta":{"finish_reason":"TOOL_CALL"}}"#,
        ])
        #expect(
            Self.payloads(events) == [
                Self.chunk(#"{"role":"assistant","content":""}"#),
                Self.chunk(
                    #"{"tool_calls":[{"index":0,"id":"get_weather_1","type":"function","function":{"name":"get_weather","arguments":""}}]}"#
                ),
                Self.chunk(#"{"tool_calls":[{"index":0,"function":{"arguments":"{\"ci"}}]}"#),
                Self.chunk(#"{"tool_calls":[{"index":0,"function":{"arguments":"ty\":\"Paris\"}"}}]}"#),
                Self.chunk("{}", finish: #""tool_calls""#),
            ]
        )
    }

    @Test func errorFinishIsAMidStreamFailure() async {
        await #expect(throws: UpstreamFailure.self) {
            _ = try await Self.stream([
                #"{"type":"message-start","id":"m1","delta":{"message":{"role":"assistant"}}}"#,
                #"{"type":"message-end","delta":{"finish_reason":"ERROR","error":"internal model failure"}}"#,
            ])
        }
        do {
            _ = try await Self.stream([#"{"type":"message-start","id":"m1","delta":{"message":{"role":"assistant"}}}"#])
            Issue.record("a cut stream must fail")
        } catch {
            #expect(error.kind == .serverError)
        }
    }

    @Test(arguments: [
        (
            400, #"{"id":"e1","message":"invalid request: message must be at least 1 token long"}"#,
            UpstreamFailure.Kind.invalidRequest
        ),
        (
            400,
            #"{"id":"e2","message":"too many tokens: total number of tokens in the prompt cannot exceed 256000 - received 300000"}"#,
            .contextLength
        ),
        (401, #"{"id":"e3","message":"invalid api token"}"#, .upstreamAuth),
        (402, #"{"id":"e4","message":"Please add a payment method"}"#, .quotaExhausted),
        (404, #"{"id":"e5","message":"model 'x' not found"}"#, .upstreamNotFound),
        (422, #"{"id":"e6","message":"invalid type"}"#, .invalidRequest),
        (
            429, #"{"id":"e7","message":"You are using a Trial key, which is limited to 10 API calls / minute."}"#,
            .rateLimited
        ),
        (499, #"{"id":"e8","message":"request cancelled"}"#, .serverError),
        (500, #"{"id":"e9","message":"internal server error"}"#, .serverError),
        (503, #"{"id":"e10","message":"service unavailable"}"#, .overloaded),
    ])
    func errors(status: Int, body: String, kind: UpstreamFailure.Kind) {
        let failure = CohereErrorClassifier.classify(status: status, headers: [:], body: ByteBuffer(string: body))
        #expect(failure.kind == kind)
        #expect(failure.status == status)
        #expect(!failure.message.isEmpty && !failure.message.contains("HTTP"))
    }

    @Test func contextLengthByMessage() {
        let body = #"{"id":"e","message":"too many input tokens for this model"}"#
        #expect(
            CohereErrorClassifier.classify(status: 400, headers: [:], body: ByteBuffer(string: body)).kind
                == .contextLength
        )
    }

    @Test func embeddings() throws {
        let openAI = try JSONDecoder().decode(
            CohereEmbeddings.OpenAIRequest.self,
            from: Data(#"{"model":"r","input":["a","b"],"dimensions":1024}"#.utf8)
        )
        #expect(
            Self.json(encoding: CohereEmbeddings.request(openAI, model: "embed-v4.0"))
                == Self.json(
                    #"{"model":"embed-v4.0","texts":["a","b"],"input_type":"search_document","embedding_types":["float"],"output_dimension":1024}"#
                )
        )
        let wire = try JSONDecoder().decode(
            CohereEmbeddings.Response.self,
            from: Data(
                #"{"id":"x","embeddings":{"float":[[0.5,-1],[0,2]]},"texts":["a","b"],"meta":{"billed_units":{"input_tokens":4}},"response_type":"embeddings_by_type"}"#
                    .utf8
            )
        )
        let answer = CohereEmbeddings.response(wire, model: "embed-v4.0", base64: false)
        #expect(
            Self.json(encoding: answer)
                == Self.json(
                    #"{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.5,-1]},{"object":"embedding","index":1,"embedding":[0,2]}],"model":"embed-v4.0","usage":{"prompt_tokens":4,"total_tokens":4}}"#
                )
        )
        #expect(CohereEmbeddings.encode([1.0]) == "AACAPw==")
    }
}
