import AsyncHTTPClient
import Foundation
import NIOCore
import SwitchyardCore
import Testing

@testable import SwitchyardProviders

/// Gemini SSE streams → canonical chunks and the usage event (providers.md §3.4, §8.2).
@Suite struct GeminiStreamTests {
    typealias F = GeminiFixtures

    /// Runs `pieces` (raw body bytes, split as given) through a stream source.
    static func run(
        _ pieces: [String],
        signatures: GeminiSignatureCache? = nil,
        cutWith error: (any Error)? = nil
    ) async throws(UpstreamFailure) -> [JSONValue] {
        let stream = AsyncThrowingStream<ByteBuffer, any Error> { continuation in
            for piece in pieces { continuation.yield(ByteBuffer(string: piece)) }
            continuation.finish(throwing: error)
        }
        let counter = F.Counter()
        let translator = GeminiStreamTranslator(model: "gemini-2.5-flash", created: 7, makeToolCallID: counter.next)
        var source = GeminiStreamSource(body: .stream(stream), translator: translator, signatures: signatures)
        var events: [JSONValue] = []
        while let event = try await source.next() {
            switch event {
            case .chunk(let bytes):
                events.append(F.json(bytes))
            case .usage(let usage, let bytes):
                #expect(usage.totalTokens > 0)
                events.append(.object(["USAGE": F.json(bytes)]))
            }
        }
        return events
    }

    static let example = """
        data: {"candidates":[{"content":{"parts":[{"text":"Hel"}],"role":"model"},"index":0}],"usageMetadata":{"promptTokenCount":9,"totalTokenCount":9},"modelVersion":"gemini-2.5-flash","responseId":"r1"}\r
        \r
        data: {"candidates":[{"content":{"parts":[{"text":"lo"}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":2,"totalTokenCount":11},"modelVersion":"gemini-2.5-flash","responseId":"r1"}\r
        \r

        """

    static func chunk(_ delta: String, finish: String = "null") -> JSONValue {
        F.json(
            #"{"id":"chatcmpl-r1","object":"chat.completion.chunk","created":7,"model":"gemini-2.5-flash","choices":[{"index":0,"delta":"#
                + delta + #","finish_reason":"# + finish + "}]}"
        )
    }

    @Test func providersExampleStream() async throws {
        // Split mid-event and mid-line: the decoder must not care.
        let text = Self.example
        let cut1 = text.index(text.startIndex, offsetBy: 37)
        let cut2 = text.index(text.startIndex, offsetBy: 240)
        let events = try await Self.run([String(text[..<cut1]), String(text[cut1..<cut2]), String(text[cut2...])])
        let usage = F.json(
            #"""
            {"USAGE":{"id":"chatcmpl-r1","object":"chat.completion.chunk","created":7,"model":"gemini-2.5-flash","choices":[],
              "usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11,
                "prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}}
            """#
        )
        #expect(
            events == [
                Self.chunk(#"{"role":"assistant","content":""}"#),
                Self.chunk(#"{"content":"Hel"}"#),
                Self.chunk(#"{"content":"lo"}"#),
                Self.chunk("{}", finish: #""stop""#),
                usage,
            ]
        )
    }

    @Test func functionCallsArriveAsCompleteToolCallDeltas() async throws {
        let cache = GeminiSignatureCache()
        let body = """
            data: {"candidates":[{"content":{"parts":[{"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"SIG"},{"functionCall":{"id":"x9","name":"get_time","args":{}}}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":20,"candidatesTokenCount":10,"thoughtsTokenCount":5,"cachedContentTokenCount":4},"responseId":"r1"}

            """
        let events = try await Self.run([body], signatures: cache)
        #expect(events.count == 5)
        #expect(events[0] == Self.chunk(#"{"role":"assistant","content":""}"#))
        #expect(
            events[1]
                == Self.chunk(
                    #"{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]}"#
                )
        )
        #expect(
            events[2]
                == Self.chunk(
                    #"{"tool_calls":[{"index":1,"id":"x9","type":"function","function":{"name":"get_time","arguments":"{}"}}]}"#
                )
        )
        #expect(events[3] == Self.chunk("{}", finish: #""tool_calls""#))
        let usage = events[4].objectValue?["USAGE"]?.objectValue?["usage"]
        #expect(
            usage
                == F.json(
                    #"{"prompt_tokens":20,"completion_tokens":15,"total_tokens":35,"prompt_tokens_details":{"cached_tokens":4},"completion_tokens_details":{"reasoning_tokens":5}}"#
                )
        )
        #expect(cache.signature(for: "call_1") == "SIG")
    }

    @Test func streamCutBeforeFinishIsAFailure() async {
        let body = #"data: {"candidates":[{"content":{"parts":[{"text":"Hel"}],"role":"model"},"index":0}]}"# + "\n\n"
        await #expect(throws: UpstreamFailure.self) { try await Self.run([body]) }
        do {
            _ = try await Self.run([body], cutWith: CancellationError())
            Issue.record("expected a failure")
        } catch {
            #expect(error.kind == .connect)
        }
    }

    @Test func errorObjectInStreamIsClassified() async {
        let body = """
            data: {"candidates":[{"content":{"parts":[{"text":"Hel"}],"role":"model"},"index":0}]}

            data: {"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}

            """
        do {
            _ = try await Self.run([body])
            Issue.record("expected a failure")
        } catch {
            #expect(error.kind == .overloaded)
            #expect(error.message == "The model is overloaded.")
        }
    }

    @Test func blockedPromptInStreamIsContentFiltered() async {
        let body =
            #"data: {"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"},"usageMetadata":{"promptTokenCount":3}}"#
            + "\n\n"
        do {
            _ = try await Self.run([body])
            Issue.record("expected a failure")
        } catch {
            #expect(error.kind == .contentFiltered)
        }
    }

    @Test func malformedChunkIsAMalformedResponse() async {
        do {
            _ = try await Self.run(["data: {not json\n\n"])
            Issue.record("expected a failure")
        } catch {
            #expect(error.kind == .malformedResponse)
        }
    }

    @Test func lastEventWithoutBlankLineStillCounts() async throws {
        let body =
            #"data: {"candidates":[{"content":{"parts":[{"text":"ok"}],"role":"model"},"finishReason":"SAFETY","index":0}]}"#
        let events = try await Self.run([body])
        #expect(events.count == 3)
        #expect(
            events.last?.objectValue?["choices"]
                == F.json(#"[{"index":0,"delta":{},"finish_reason":"content_filter"}]"#)
        )
    }

    @Test func finalChunkWithoutPartsStillFinishes() async throws {
        let body = """
            data: {"candidates":[{"content":{"parts":[{"text":"long"}],"role":"model"},"index":0}]}

            data: {"candidates":[{"content":{"role":"model"},"finishReason":"MAX_TOKENS","index":0}],"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":0,"thoughtsTokenCount":30}}

            """
        let events = try await Self.run([body])
        #expect(events.count == 4)
        #expect(events[2].objectValue?["choices"] == F.json(#"[{"index":0,"delta":{},"finish_reason":"length"}]"#))
        #expect(
            events[3].objectValue?["USAGE"]?.objectValue?["usage"]?.objectValue?["completion_tokens"] == .number(30)
        )
    }
}
