import NIOCore
import Testing

@testable import SwitchyardProviders
import SwitchyardCore

/// ConverseStream events → canonical chunks (providers.md §4.3) and in-stream exceptions.
@Suite struct BedrockStreamTests {
    typealias J = BedrockTestJSON

    static func event(_ type: String, _ payload: String) -> EventStreamMessage {
        EventStreamMessage(
            headers: [.string(":event-type", type), .string(":content-type", "application/json"), .string(":message-type", "event")],
            payload: ByteBuffer(string: payload)
        )
    }

    static func exception(_ type: String, _ payload: String) -> EventStreamMessage {
        EventStreamMessage(
            headers: [.string(":exception-type", type), .string(":content-type", "application/json"), .string(":message-type", "exception")],
            payload: ByteBuffer(string: payload)
        )
    }

    static let toolStream: [EventStreamMessage] = [
        event("messageStart", #"{"role":"assistant","p":"abc"}"#),
        event("contentBlockDelta", #"{"contentBlockIndex":0,"delta":{"text":"Hel"},"p":"a"}"#),
        event("contentBlockDelta", #"{"contentBlockIndex":0,"delta":{"text":"lo"}}"#),
        event("contentBlockStop", #"{"contentBlockIndex":0}"#),
        event("contentBlockStart", #"{"contentBlockIndex":1,"start":{"toolUse":{"toolUseId":"tooluse_abc","name":"get_weather"}}}"#),
        event("contentBlockDelta", #"{"contentBlockIndex":1,"delta":{"toolUse":{"input":"{\"city\":"}}}"#),
        event("contentBlockDelta", #"{"contentBlockIndex":1,"delta":{"toolUse":{"input":"\"Paris\"}"}}}"#),
        event("contentBlockStop", #"{"contentBlockIndex":1}"#),
        event("messageStop", #"{"stopReason":"tool_use","additionalModelResponseFields":{}}"#),
        event("metadata", #"{"usage":{"inputTokens":25,"outputTokens":40,"totalTokens":65,"cacheReadInputTokens":5},"metrics":{"latencyMs":812}}"#),
    ]

    static func chunk(_ delta: String, finish: String? = nil) -> JSONValue {
        J.value(#"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":7,"model":"m","choices":[{"index":0,"delta":\#(delta),"finish_reason":\#(finish.map { "\"\($0)\"" } ?? "null")}]}"#)
    }

    static func run(_ messages: [EventStreamMessage], jsonTool: String? = nil) throws(UpstreamFailure) -> [(json: JSONValue, isUsage: Bool)] {
        var translator = BedrockStreamTranslator(id: "chatcmpl-1", created: 7, model: "m", jsonToolName: jsonTool)
        var out: [(json: JSONValue, isUsage: Bool)] = []
        for message in messages {
            out += try translator.consume(message).map(J.event)
        }
        try translator.end()
        return out
    }

    @Test func goldenToolStream() throws {
        let events = try Self.run(Self.toolStream)
        let expected: [JSONValue] = [
            Self.chunk(#"{"role":"assistant","content":""}"#),
            Self.chunk(#"{"content":"Hel"}"#),
            Self.chunk(#"{"content":"lo"}"#),
            Self.chunk(#"{"tool_calls":[{"index":0,"id":"tooluse_abc","type":"function","function":{"name":"get_weather","arguments":""}}]}"#),
            Self.chunk(#"{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}"#),
            Self.chunk(#"{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]}"#),
            Self.chunk("{}", finish: "tool_calls"),
            J.value(#"""
                {"id":"chatcmpl-1","object":"chat.completion.chunk","created":7,"model":"m","choices":[],
                 "usage":{"prompt_tokens":30,"completion_tokens":40,"total_tokens":70,
                          "prompt_tokens_details":{"cached_tokens":5},"completion_tokens_details":{"reasoning_tokens":0}}}
                """#),
        ]
        #expect(events.map(\.json) == expected)
        #expect(events.map(\.isUsage) == Array(repeating: false, count: 7) + [true])
    }

    @Test func streamThroughTheSourceWithArbitrarySplits() async throws {
        var bytes: [UInt8] = []
        for message in Self.toolStream { bytes += EventStreamEncoder.encode(message).readableBytesView }
        for pieceSize in [1, 7, 64, bytes.count] {
            let pieces = stride(from: 0, to: bytes.count, by: pieceSize).map { ByteBuffer(bytes: bytes[$0..<min($0 + pieceSize, bytes.count)]) }
            var source = BedrockStreamSource(
                body: .stream(AsyncStream { continuation in
                    for piece in pieces { continuation.yield(piece) }
                    continuation.finish()
                }),
                translator: BedrockStreamTranslator(id: "chatcmpl-1", created: 7, model: "m", jsonToolName: nil)
            )
            var count = 0
            var usage: TokenUsage?
            while let event = try await source.next() {
                count += 1
                if case .usage(let tokens, _) = event { usage = tokens }
            }
            #expect(count == 8)
            #expect(usage == TokenUsage(promptTokens: 30, completionTokens: 40, cachedPromptTokens: 5))
        }
    }

    @Test func cutStreamFails() async {
        var bytes: [UInt8] = []
        for message in Self.toolStream.prefix(3) { bytes += EventStreamEncoder.encode(message).readableBytesView }
        // Ends cleanly between frames but before messageStop.
        var source = BedrockStreamSource(
            body: .bytes(ByteBuffer(bytes: bytes)),
            translator: BedrockStreamTranslator(id: "c", created: 7, model: "m", jsonToolName: nil)
        )
        await #expect(throws: UpstreamFailure.self) { while try await source.next() != nil {} }
        // Ends inside a frame.
        var cut = BedrockStreamSource(
            body: .bytes(ByteBuffer(bytes: bytes.dropLast(3))),
            translator: BedrockStreamTranslator(id: "c", created: 7, model: "m", jsonToolName: nil)
        )
        await #expect(throws: UpstreamFailure.self) { while try await cut.next() != nil {} }
    }

    @Test func jsonToolStreamsAsContent() throws {
        let events = try Self.run([
            Self.event("messageStart", #"{"role":"assistant"}"#),
            Self.event("contentBlockStart", #"{"contentBlockIndex":0,"start":{"toolUse":{"toolUseId":"t","name":"json_tool_call"}}}"#),
            Self.event("contentBlockDelta", #"{"contentBlockIndex":0,"delta":{"toolUse":{"input":"{\"a\":1}"}}}"#),
            Self.event("messageStop", #"{"stopReason":"tool_use"}"#),
        ], jsonTool: "json_tool_call")
        #expect(events.map(\.json) == [
            Self.chunk(#"{"role":"assistant","content":""}"#),
            Self.chunk(#"{"content":"{\"a\":1}"}"#),
            Self.chunk("{}", finish: "stop"),
        ])
    }

    @Test(arguments: [
        ("throttlingException", #"{"message":"Too many requests"}"#, UpstreamFailure.Kind.rateLimited),
        ("serviceUnavailableException", #"{"message":"busy"}"#, .overloaded),
        ("internalServerException", #"{"message":"oops"}"#, .serverError),
        ("modelStreamErrorException", #"{"message":"x","originalStatusCode":500}"#, .serverError),
        ("validationException", #"{"message":"Input is too long for requested model."}"#, .contextLength),
        ("validationException", #"{"message":"bad field"}"#, .invalidRequest),
    ])
    func exceptionsMidStream(type: String, payload: String, kind: UpstreamFailure.Kind) {
        do {
            _ = try Self.run([Self.event("messageStart", #"{"role":"assistant"}"#), Self.exception(type, payload)])
            Issue.record("expected a failure")
        } catch {
            #expect(error.kind == kind)
            #expect(error.code == type)
        }
    }

    @Test func goldenThrottlingFrame() throws {
        var decoder = EventStreamDecoder()
        decoder.feed(ByteBuffer(bytes: EventStreamCodecTests.bytes(hex: EventStreamCodecTests.exceptionHex)))
        let message = try #require(try decoder.next())
        var translator = BedrockStreamTranslator(id: "c", created: 1, model: "m", jsonToolName: nil)
        do {
            _ = try translator.consume(message)
            Issue.record("expected a failure")
        } catch {
            #expect(error.kind == .rateLimited)
            #expect(error.status == 429)
            #expect(error.message == "Too many requests, please wait before trying again.")
        }
    }

    @Test func errorMessageType() {
        let message = EventStreamMessage(
            headers: [.string(":message-type", "error"), .string(":error-code", "InternalFailure"), .string(":error-message", "boom")],
            payload: ByteBuffer()
        )
        var translator = BedrockStreamTranslator(id: "c", created: 1, model: "m", jsonToolName: nil)
        do {
            _ = try translator.consume(message)
            Issue.record("expected a failure")
        } catch {
            #expect(error.kind == .serverError)
            #expect(error.message == "boom")
        }
    }

    @Test func malformedPayloadAndOrphanToolInput() {
        var translator = BedrockStreamTranslator(id: "c", created: 1, model: "m", jsonToolName: nil)
        #expect(throws: UpstreamFailure.self) { _ = try translator.consume(Self.event("contentBlockDelta", "{not json")) }
        #expect(throws: UpstreamFailure.self) {
            _ = try translator.consume(Self.event("contentBlockDelta", #"{"contentBlockIndex":3,"delta":{"toolUse":{"input":"{"}}}"#))
        }
    }
}
