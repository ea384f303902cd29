import NIOCore
import NIOHTTP1
import SwitchyardCore
import Testing
import AsyncHTTPClient

@testable import SwitchyardProviders

@Suite("Anthropic stream events → canonical chunks (providers.md §2.3) and error classes (§2.5, §8.1)")
struct AnthropicStreamTests {
    typealias T = AnthropicTestSupport

    /// The §2.3 example stream, byte for byte.
    static let exampleStream = #"""
        event: message_start
        data: {"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":1}}}

        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

        event: ping
        data: {"type":"ping"}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Let me"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        event: content_block_start
        data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01A","name":"get_weather","input":{}}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"city\": \"Par"}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"is\"}"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":1}

        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":40}}

        event: message_stop
        data: {"type":"message_stop"}


        """#

    static let expectedChunks: [String] = {
        let head = #""id":"msg_01","object":"chat.completion.chunk","created":7,"model":"claude-sonnet-4-5-20250929""#
        return [
            #"{\#(head),"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"#,
            #"{\#(head),"choices":[{"index":0,"delta":{"content":"Let me"},"finish_reason":null}]}"#,
            #"{\#(head),"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"toolu_01A","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null}]}"#,
            #"{\#(head),"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\": \"Par"}}]},"finish_reason":null}]}"#,
            #"{\#(head),"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"is\"}"}}]},"finish_reason":null}]}"#,
            #"{\#(head),"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#,
            #"{\#(head),"choices":[],"usage":{"prompt_tokens":25,"completion_tokens":40,"total_tokens":65,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}"#,
        ]
    }()

    func translate(_ text: String, jsonTool: String? = nil) throws -> [ChatStreamEvent] {
        var decoder = SSEDecoder()
        var translator = AnthropicStreamTranslator(created: 7, fallbackModel: "fallback", jsonToolName: jsonTool)
        var out: [ChatStreamEvent] = []
        for event in try decoder.feed(ByteBuffer(string: text)) {
            out += try translator.consume(event.data)
        }
        if let last = decoder.finish() { out += try translator.consume(last.data) }
        out += try translator.end()
        return out
    }

    @Test func exampleStreamBecomesCanonicalChunks() throws {
        let events = try translate(Self.exampleStream)
        #expect(T.payloads(events) == Self.expectedChunks.map(T.json))
        guard case .usage(let usage, _) = events.last else {
            Issue.record("the last event is not the usage chunk")
            return
        }
        #expect(usage == TokenUsage(promptTokens: 25, completionTokens: 40))
    }

    /// The adapter's source over an HTTP body delivered in awkward 7-byte pieces.
    @Test func streamSourceReadsSplitBody() async throws {
        let bytes = Array(Self.exampleStream.utf8)
        let pieces = stride(from: 0, to: bytes.count, by: 7).map { ByteBuffer(bytes: bytes[$0..<min($0 + 7, bytes.count)]) }
        let body = HTTPClientResponse.Body.stream(AsyncStream<ByteBuffer> { continuation in
            for piece in pieces { continuation.yield(piece) }
            continuation.finish()
        })
        var source = AnthropicStreamSource(body: body, translator: AnthropicStreamTranslator(created: 7, fallbackModel: "f", jsonToolName: nil))
        var events: [ChatStreamEvent] = []
        while let event = try await source.next() { events.append(event) }
        #expect(T.payloads(events) == Self.expectedChunks.map(T.json))
    }

    @Test func cacheUsageAndRepeatedInputCountsMerge() throws {
        let stream = #"""
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_2","model":"c","content":[],"usage":{"input_tokens":10,"cache_creation_input_tokens":5,"cache_read_input_tokens":100,"output_tokens":1}}}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"max_tokens"},"usage":{"input_tokens":10,"cache_read_input_tokens":100,"output_tokens":3}}

            event: message_stop
            data: {"type":"message_stop"}

            """#
        let events = try translate(stream)
        #expect(T.payloads(events).dropLast().last?.objectValue?["choices"] == T.json(#"[{"index":0,"delta":{},"finish_reason":"length"}]"#))
        guard case .usage(let usage, _) = events.last else {
            Issue.record("no usage chunk")
            return
        }
        #expect(usage == TokenUsage(promptTokens: 115, completionTokens: 3, cachedPromptTokens: 100))
    }

    @Test func jsonToolStreamsAsContent() throws {
        let stream = #"""
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_3","model":"c","content":[],"usage":{"input_tokens":1,"output_tokens":1}}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_9","name":"json_tool_call","input":{}}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"a\":1}"}}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":4}}

            event: message_stop
            data: {"type":"message_stop"}

            """#
        let choices = T.payloads(try translate(stream, jsonTool: "json_tool_call")).map { $0.objectValue?["choices"] }
        #expect(choices[1] == T.json(#"[{"index":0,"delta":{"content":"{\"a\":1}"},"finish_reason":null}]"#))
        #expect(choices[2] == T.json(#"[{"index":0,"delta":{},"finish_reason":"stop"}]"#))
    }

    @Test func errorEventIsClassified() throws {
        let stream = #"""
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_4","model":"c","content":[],"usage":{"input_tokens":1,"output_tokens":1}}}

            event: error
            data: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}

            """#
        do {
            _ = try translate(stream)
            Issue.record("expected a failure")
        } catch let failure as UpstreamFailure {
            #expect(failure.kind == .overloaded)
            #expect(failure.status == 529)
            #expect(failure.message == "Overloaded")
        }
    }

    @Test func cutStreamIsAFailureAndMalformedDataToo() throws {
        let cut = #"""
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_5","model":"c","content":[],"usage":{"input_tokens":1,"output_tokens":1}}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}

            """#
        #expect(throws: UpstreamFailure(kind: .serverError, message: "upstream stream ended before it was complete")) { _ = try translate(cut) }
        let malformed = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_\n\n"
        #expect(throws: UpstreamFailure.self) { _ = try translate(malformed) }
    }

    static func classify(_ status: Int, _ type: String, _ message: String = "m", headers: [(String, String)] = []) -> UpstreamFailure {
        AnthropicErrorClassifier.classify(
            status: status,
            headers: HTTPHeaders(headers),
            body: ByteBuffer(string: #"{"type":"error","error":{"type":"\#(type)","message":"\#(message)"},"request_id":"req_1"}"#)
        )
    }

    @Test(arguments: [
        (400, "invalid_request_error", UpstreamFailure.Kind.invalidRequest), (401, "authentication_error", .upstreamAuth),
        (402, "billing_error", .quotaExhausted), (403, "permission_error", .upstreamAuth), (404, "not_found_error", .upstreamNotFound),
        (413, "request_too_large", .tooLarge), (500, "api_error", .serverError), (504, "timeout_error", .serverError),
        (529, "overloaded_error", .overloaded), (503, "api_error", .overloaded),
    ])
    func errorStatusesMapToKinds(status: Int, type: String, kind: UpstreamFailure.Kind) {
        let failure = Self.classify(status, type)
        #expect(failure.kind == kind)
        #expect(failure.status == status)
        #expect(failure.code == type)
        #expect(failure.message == "m")
    }

    @Test func rateLimitsAndSpendLimitsAndContextLength() {
        let limited = Self.classify(429, "rate_limit_error", headers: [("retry-after", "12")])
        #expect(limited.kind == .rateLimited)
        #expect(limited.retryAfterSeconds == 12)
        #expect(Self.classify(429, "rate_limit_error", "monthly spend limit reached").kind == .quotaExhausted)
        let tooLong = Self.classify(400, "invalid_request_error", "prompt is too long: 210000 tokens > 200000 maximum")
        #expect(tooLong.kind == .contextLength)
        let overloaded = Self.classify(529, "overloaded_error", "Overloaded", headers: [("retry-after", "3")])
        #expect(overloaded.kind == .overloaded)
        #expect(overloaded.retryAfterSeconds == 3)
        let unknownBody = AnthropicErrorClassifier.classify(status: 502, headers: HTTPHeaders(), body: ByteBuffer(string: "<html>bad gateway</html>"))
        #expect(unknownBody.kind == .serverError)
        #expect(unknownBody.message == "upstream answered HTTP 502")
    }
}
