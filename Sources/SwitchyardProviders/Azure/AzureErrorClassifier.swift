import NIOCore
import NIOHTTP1
import SwitchyardCore

/// Azure OpenAI errors (providers.md §5, §8.1): OpenAI-shaped, plus the content filter's 400
/// (`code: "content_filter"`, `innererror.code: "ResponsibleAIPolicyViolation"`) and string
/// codes such as `DeploymentNotFound` (404) and `"401"`.
public enum AzureErrorClassifier {
    /// The failure for a non-2xx Azure answer.
    public static func classify(status: Int, headers: HTTPHeaders, body: ByteBuffer) -> UpstreamFailure {
        var failure = OpenAIErrorClassifier.classify(status: status, headers: headers, body: body)
        if status == 400 || status == 422, failure.kind != .contextLength,
            failure.code == "content_filter" || body.containsBytes("ResponsibleAIPolicyViolation")
        {
            failure.kind = .contentFiltered
            failure.code = "content_filter"
        }
        if status == 404 || failure.code == "DeploymentNotFound" {
            failure.kind = .upstreamNotFound
        }
        return failure
    }
}
