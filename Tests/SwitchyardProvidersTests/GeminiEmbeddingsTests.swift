import Foundation
import SwitchyardCore
import Testing

@testable import SwitchyardProviders

/// OpenAI embeddings ⇄ Gemini `batchEmbedContents` / Vertex `predict` (providers.md §3.5, §3.7).
@Suite struct GeminiEmbeddingsTests {
    typealias F = GeminiFixtures

    @Test func batchRequestForSeveralInputs() throws {
        let request = try GeminiEmbeddings.decode(
            Data(#"{"model":"gemini-embedding-001","input":["a","b"],"dimensions":768}"#.utf8)
        )
        let batch = GeminiEmbeddings.batchRequest(request, model: "gemini-embedding-001")
        let expected = F.json(
            #"""
            {"requests":[
              {"model":"models/gemini-embedding-001","content":{"parts":[{"text":"a"}]},"outputDimensionality":768},
              {"model":"models/gemini-embedding-001","content":{"parts":[{"text":"b"}]},"outputDimensionality":768}]}
            """#
        )
        #expect(F.json(encoding: batch) == expected)
    }

    @Test func predictRequestForOneInput() throws {
        let request = try GeminiEmbeddings.decode(Data(#"{"model":"text-embedding-005","input":"hello"}"#.utf8))
        #expect(
            F.json(encoding: GeminiEmbeddings.predictRequest(request))
                == F.json(#"{"instances":[{"content":"hello"}]}"#)
        )
    }

    @Test func tokenArraysAreRejected() {
        #expect(throws: UpstreamFailure.self) {
            try GeminiEmbeddings.decode(Data(#"{"model":"m","input":[[1,2,3]]}"#.utf8))
        }
    }

    @Test func openAIShapeWithFloatsAndBase64() throws {
        let floats = GeminiEmbeddings.openAIResponse(
            vectors: [[0.5, -1], [0.25]],
            model: "m",
            base64: false,
            promptTokens: 3
        )
        let expected = F.json(
            #"""
            {"object":"list","model":"m","usage":{"prompt_tokens":3,"total_tokens":3},
             "data":[{"object":"embedding","index":0,"embedding":[0.5,-1]},{"object":"embedding","index":1,"embedding":[0.25]}]}
            """#
        )
        #expect(F.json(String(decoding: floats.body, as: UTF8.self)) == expected)
        #expect(floats.usage == TokenUsage(promptTokens: 3, completionTokens: 0))

        let base64 = GeminiEmbeddings.openAIResponse(vectors: [[1.0]], model: "m", base64: true, promptTokens: 1)
        let data = F.json(String(decoding: base64.body, as: UTF8.self)).objectValue?["data"]
        // 1.0 as little-endian float32 is 00 00 80 3f.
        #expect(data == F.json(#"[{"object":"embedding","index":0,"embedding":"AACAPw=="}]"#))
        #expect(GeminiEmbeddings.estimateTokens(["abcd", "abcde"]) == 3)
    }
}
