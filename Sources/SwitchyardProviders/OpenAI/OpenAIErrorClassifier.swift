import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import SwitchyardCore

/// Classifies an OpenAI-style error answer (status, headers, body) into the router's
/// failure classes (providers.md §1.6 and §8.1). Shared by every OpenAI-compatible preset.
public enum OpenAIErrorClassifier {
    static let contextLengthPhrases = [
        "maximum context length", "prompt is too long", "exceeds the maximum number of tokens",
        "input is too long", "too many input tokens", "context_length_exceeded", "context length",
    ]

    /// The failure for a non-2xx answer.
    public static func classify(status: Int, headers: HTTPHeaders, body: ByteBuffer) -> UpstreamFailure {
        let decoded = try? JSONDecoder().decode(OpenAIWire.ErrorBody.self, from: body)
        let message = decoded?.detail?.message ?? decoded?.flatMessage ?? "upstream answered HTTP \(status)"
        let code = decoded?.detail?.code
        let type = decoded?.detail?.type
        let param = decoded?.detail?.param
        let retryAfter = retryAfterSeconds(headers)
        let lowered = message.lowercased()

        let kind: UpstreamFailure.Kind
        switch status {
        case 429:
            kind = (code == "insufficient_quota" || type == "insufficient_quota") ? .quotaExhausted : .rateLimited
        case 402:
            kind = .quotaExhausted
        case 400, 422:
            if code == "context_length_exceeded" || contextLengthPhrases.contains(where: lowered.contains) {
                kind = .contextLength
            } else if code == "content_filter" || code == "content_policy_violation" {
                kind = .contentFiltered
            } else {
                kind = .invalidRequest
            }
        case 401, 403:
            kind = .upstreamAuth
        case 404:
            kind = .upstreamNotFound
        case 408:
            kind = .timeout
        case 413:
            kind = .tooLarge
        case 498, 503, 529:
            kind = .overloaded
        case 500...599:
            kind = .serverError
        default:
            kind = status >= 400 && status < 500 ? .invalidRequest : .serverError
        }
        return UpstreamFailure(
            kind: kind,
            status: status,
            message: sanitize(message),
            code: code,
            param: param,
            retryAfterSeconds: retryAfter
        )
    }

    /// `retry-after-ms`, then `retry-after` (seconds; an HTTP date is treated as unknown).
    public static func retryAfterSeconds(_ headers: HTTPHeaders) -> Double? {
        if let ms = headers.first(name: "retry-after-ms").flatMap(Double.init), ms >= 0 {
            return ms / 1000
        }
        if let seconds = headers.first(name: "retry-after").flatMap(Double.init), seconds >= 0 {
            return seconds
        }
        return nil
    }

    /// Bounds an upstream message and strips anything that looks like a key.
    static func sanitize(_ message: String) -> String {
        let words = message.split(separator: " ", omittingEmptySubsequences: false).map { word -> Substring in
            let lowered = word.lowercased()
            if lowered.hasPrefix("sk-") || lowered.hasPrefix("key=") || lowered.hasPrefix("aiza") {
                return "[redacted]"
            }
            return word
        }
        let joined = words.joined(separator: " ")
        return joined.count > 1000 ? String(joined.prefix(1000)) + "…" : joined
    }

    /// The failure for an `{"error":...}` object seen inside a 200 stream.
    static func streamError(_ payload: ByteBuffer) -> UpstreamFailure {
        let decoded = try? JSONDecoder().decode(OpenAIWire.ErrorBody.self, from: payload)
        let message = decoded?.detail?.message ?? decoded?.flatMessage ?? "upstream reported an error mid-stream"
        return UpstreamFailure(kind: .serverError, message: sanitize(message), code: decoded?.detail?.code)
    }
}
