import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import SwitchyardCore

/// Classifies Anthropic error answers and in-stream `error` events into the router's
/// failure classes (providers.md §2.5, §8.1).
enum AnthropicErrorClassifier {
    /// The failure for a non-2xx answer.
    static func classify(status: Int, headers: HTTPHeaders, body: ByteBuffer) -> UpstreamFailure {
        let detail = (try? JSONDecoder().decode(AnthropicWire.ErrorBody.self, from: body))?.error
        let type = detail?.type
        let message = detail?.message ?? "upstream answered HTTP \(status)"
        let retryAfter = OpenAIErrorClassifier.retryAfterSeconds(headers)
        let kind: UpstreamFailure.Kind
        switch status {
        case 429:
            // A monthly spend-limit 429 comes without `retry-after` (§2.5): billing, not load.
            kind = retryAfter == nil && type != "overloaded_error" ? .quotaExhausted : .rateLimited
        case 400, 422:
            kind = isContextLength(message) ? .contextLength : .invalidRequest
        default:
            kind = self.kind(status: status, type: type)
        }
        return UpstreamFailure(
            kind: kind,
            status: status,
            message: OpenAIErrorClassifier.sanitize(message),
            code: type,
            retryAfterSeconds: retryAfter
        )
    }

    /// The failure for `event: error` inside a 200 stream (§8.2): classified by `error.type`
    /// as if it had been the matching status, so a failure before any byte can fail over.
    static func streamError(_ detail: AnthropicWire.ErrorDetail?) -> UpstreamFailure {
        let type = detail?.type
        let message = OpenAIErrorClassifier.sanitize(detail?.message ?? "upstream reported an error mid-stream")
        let status = self.status(type: type)
        var kind = self.kind(status: status, type: type)
        if status == 400, isContextLength(message) { kind = .contextLength }
        return UpstreamFailure(kind: kind, status: status, message: message, code: type)
    }

    /// The status Anthropic answers with for an `error.type` (§2.5).
    static func status(type: String?) -> Int {
        switch type {
        case "invalid_request_error": 400
        case "authentication_error": 401
        case "billing_error": 402
        case "permission_error": 403
        case "not_found_error": 404
        case "request_too_large": 413
        case "rate_limit_error": 429
        case "timeout_error": 504
        case "overloaded_error": 529
        default: 500
        }
    }

    private static func kind(status: Int, type: String?) -> UpstreamFailure.Kind {
        if type == "overloaded_error" { return .overloaded }
        switch status {
        case 400, 422: return .invalidRequest
        case 401, 403: return .upstreamAuth
        case 402: return .quotaExhausted
        case 404: return .upstreamNotFound
        case 408: return .timeout
        case 413: return .tooLarge
        case 429: return .rateLimited
        case 503, 529: return .overloaded
        case 500...599: return .serverError
        default: return status >= 400 && status < 500 ? .invalidRequest : .serverError
        }
    }

    private static func isContextLength(_ message: String) -> Bool {
        let lowered = message.lowercased()
        return OpenAIErrorClassifier.contextLengthPhrases.contains(where: lowered.contains)
    }
}
