import AsyncHTTPClient
import Foundation
import NIOCore
import SwitchyardCore
import Synchronization
import Testing

@testable import SwitchyardProviders

@Suite("OpenAIStreamSource: usage reported inline, Azure filter chunks")
struct OpenAICompatibleStreamTests {
    static func collect(_ sse: String, skipEmptyChoices: Bool = false) async throws(UpstreamFailure)
        -> [ChatStreamEvent]
    {
        var source = OpenAIStreamSource(body: .bytes(ByteBuffer(string: sse)), skipEmptyChoices: skipEmptyChoices)
        var events: [ChatStreamEvent] = []
        while let event = try await source.next() { events.append(event) }
        return events
    }

    static func usages(_ events: [ChatStreamEvent]) -> [TokenUsage] {
        events.compactMap { if case .usage(let usage, _) = $0 { usage } else { nil } }
    }

    @Test func groqUsageInXGroqBecomesAUsageChunk() async throws {
        let sse = """
            data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"llama","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}

            data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"llama","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"x_groq":{"id":"req_1","usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}}

            data: [DONE]


            """
        let events = try await Self.collect(sse)
        #expect(events.count == 3)
        #expect(Self.usages(events) == [TokenUsage(promptTokens: 9, completionTokens: 2)])
        guard case .usage(_, let bytes) = events.last else {
            Issue.record("no usage chunk last")
            return
        }
        let parsed = try #require(
            try JSONSerialization.jsonObject(with: Data(String(buffer: bytes).utf8)) as? [String: Any]
        )
        #expect(parsed["id"] as? String == "chatcmpl-1")
        #expect((parsed["choices"] as? [Any])?.isEmpty == true)
    }

    @Test func standardUsageChunkWinsOverXGroq() async throws {
        let sse = """
            data: {"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"x_groq":{"usage":{"prompt_tokens":1,"completion_tokens":1}}}

            data: {"id":"c","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}

            data: [DONE]


            """
        let events = try await Self.collect(sse)
        #expect(Self.usages(events) == [TokenUsage(promptTokens: 9, completionTokens: 2)])
        #expect(events.count == 2)
    }

    @Test func mistralUsageOnTheLastChunkWithoutDone() async throws {
        // Mistral without stream_options: usage rides on the finish chunk.
        let sse = """
            data: {"id":"a","object":"chat.completion.chunk","created":1,"model":"mistral-small","choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}


            """
        let events = try await Self.collect(sse)
        #expect(Self.usages(events) == [TokenUsage(promptTokens: 5, completionTokens: 1)])
    }

    @Test func streamWithoutUsageEndsCleanly() async throws {
        let sse = """
            data: {"id":"a","choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":"stop"}],"usage":null}

            data: [DONE]


            """
        let events = try await Self.collect(sse)
        #expect(events.count == 1)
        #expect(Self.usages(events).isEmpty)
    }

    /// At `[DONE]` the source tells the body it reads no more (the lean pool's body then
    /// discards the rest to keep its connection), once; what follows is not read.
    @Test(arguments: [true, false])
    func theEndOfTheStreamIsReportedAtDone(sendsDone: Bool) async throws {
        let chunk = #"data: {"id":"a","choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":"stop"}]}"#
        let sse = sendsDone ? "\(chunk)\n\ndata: [DONE]\n\n\(chunk)\n\n" : "\(chunk)\n\n"
        let calls = Atomic<Int>(0)
        var source = OpenAIStreamSource(
            body: HTTPClientResponse.Body.bytes(ByteBuffer(string: sse)).makeAsyncIterator(),
            discardRest: { _ in calls.add(1, ordering: .relaxed) }
        )
        var events = 0
        while try await source.next() != nil { events += 1 }
        #expect(events == 1)
        #expect(calls.load(ordering: .relaxed) == (sendsDone ? 1 : 0))
    }

    @Test func azurePromptFilterChunksAreSkipped() async throws {
        let sse = """
            data: {"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{"hate":{"filtered":false,"severity":"safe"}}}]}

            data: {"choices":[{"content_filter_results":{},"delta":{"content":"Hi","role":"assistant"},"finish_reason":null,"index":0}],"created":1,"id":"chatcmpl-9","model":"gpt-4o","object":"chat.completion.chunk"}

            data: {"choices":[{"delta":{},"finish_reason":"stop","index":0}],"created":1,"id":"chatcmpl-9","model":"gpt-4o","object":"chat.completion.chunk"}

            data: {"choices":[],"created":1,"id":"chatcmpl-9","model":"gpt-4o","object":"chat.completion.chunk","usage":{"prompt_tokens":7,"completion_tokens":1,"total_tokens":8}}

            data: [DONE]


            """
        let events = try await Self.collect(sse, skipEmptyChoices: true)
        #expect(events.count == 3)
        #expect(Self.usages(events) == [TokenUsage(promptTokens: 7, completionTokens: 1)])
        let unskipped = try await Self.collect(sse)
        #expect(unskipped.count == 4)
    }
}
