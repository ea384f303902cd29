import AsyncHTTPClient
import NIOCore
import SwitchyardCore

extension BedrockAdapter {
    /// OpenAI embeddings through InvokeModel: Titan (one call per input) or Cohere (one call).
    public func embeddings(_ call: ChatCall) async throws(UpstreamFailure) -> UpstreamReply {
        guard let family = BedrockEmbeddings.family(call.upstreamModel) else {
            throw UpstreamFailure(
                kind: .invalidRequest, status: 400,
                message: "embeddings on Bedrock support Amazon Titan and Cohere Embed models only"
            )
        }
        let request = try BedrockEmbeddings.decodeRequest(call.body)
        var vectors: [[Double]] = []
        var promptTokens = 0
        switch family {
        case .cohere:
            let (body, tokens) = try await invoke(call, body: BedrockEmbeddings.cohereBody(request.input))
            vectors = try BedrockEmbeddings.decode(BedrockEmbeddings.CohereResponse.self, body).embeddings
            promptTokens = tokens ?? 0
        case .titan(let v2):
            for text in request.input {
                let (body, tokens) = try await invoke(
                    call, body: BedrockEmbeddings.titanBody(text, dimensions: request.dimensions, v2: v2)
                )
                let answer = try BedrockEmbeddings.decode(BedrockEmbeddings.TitanResponse.self, body)
                vectors.append(answer.embedding)
                promptTokens = TokenCount.sum(promptTokens, answer.inputTextTokenCount ?? tokens ?? 0)
            }
        }
        let reply = BedrockEmbeddings.openAIResponse(
            vectors, model: call.upstreamModel, promptTokens: promptTokens, base64: request.encoding_format == "base64"
        )
        return UpstreamReply(body: reply, usage: TokenUsage(promptTokens: promptTokens, completionTokens: 0))
    }

    /// One InvokeModel call: the answer body and Bedrock's input token count header.
    private func invoke(_ call: ChatCall, body: ByteBuffer) async throws(UpstreamFailure) -> (ByteBuffer, Int?) {
        let request = makeRequest(operation: "invoke", model: call.upstreamModel, body: body, accept: "application/json")
        let response = try await http.execute(request, deadline: call.deadline, logger: logger)
        guard (200..<300).contains(response.status.code) else { throw await failure(from: response) }
        let tokens = response.headers.first(name: "x-amzn-bedrock-input-token-count").flatMap { Int($0) }
        return (try await collect(response), tokens)
    }
}
