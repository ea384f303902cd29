import NIOCore
import NIOHTTP1
import SwitchyardCore

/// Cohere errors (providers.md §6, §8.1): a flat `{"id","message"}` body; 400/422 bad
/// request (or context length, by message), 401/403 auth, 402 payment, 404 model, 429 rate
/// limit, 499 cancelled upstream, 500/503/504 server side.
public enum CohereErrorClassifier {
    /// The failure for a non-2xx Cohere answer.
    public static func classify(status: Int, headers: HTTPHeaders, body: ByteBuffer) -> UpstreamFailure {
        // The OpenAI classifier already reads flat `message` bodies and these statuses.
        var failure = OpenAIErrorClassifier.classify(status: status, headers: headers, body: body)
        if status == 499 {
            failure.kind = .serverError
        }
        // "too many tokens: total number of tokens in the prompt cannot exceed N - received M"
        if status == 400, failure.kind == .invalidRequest, failure.message.lowercased().contains("too many tokens") {
            failure.kind = .contextLength
        }
        return failure
    }
}
