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
        "input length and `max_tokens` exceed",
    ]
    /// 429 codes/types that mean billing, not a transient limit (OpenAI, Moonshot).
    static let quotaCodes: Set<String> = ["insufficient_quota", "exceeded_current_quota_error"]

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
            let isQuota = code.map(quotaCodes.contains) == true || type.map(quotaCodes.contains) == true
            kind = isQuota ? .quotaExhausted : .rateLimited
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

    /// Longest cool-down an upstream may ask for; larger values are clamped to it.
    static let maxRetryAfterSeconds: Double = 86_400

    /// `retry-after-ms`, then `retry-after` (seconds; an HTTP date is treated as unknown).
    /// Only finite, non-negative numbers count (`inf`, `nan` are not a cool-down), clamped
    /// to a day so later integer conversions cannot overflow.
    public static func retryAfterSeconds(_ headers: HTTPHeaders) -> Double? {
        func number(_ name: String) -> Double? {
            guard let text = headers.first(name: name), let value = Double(text.trimmingCharacters(in: .whitespaces)),
                value.isFinite, value >= 0
            else { return nil }
            return value
        }
        if let ms = number("retry-after-ms") {
            return min(ms / 1000, maxRetryAfterSeconds)
        }
        if let seconds = number("retry-after") {
            return min(seconds, maxRetryAfterSeconds)
        }
        return nil
    }

    /// Key prefixes of the providers we talk to (OpenAI/Anthropic `sk-`, Groq `gsk_`, xAI,
    /// Google `AIza`, Perplexity, Hugging Face, Replicate).
    static let secretPrefixes = ["sk-", "sk_", "gsk_", "xai-", "aiza", "pplx-", "hf_", "r8_"]
    /// Query parameters and header fragments that carry credentials inside URLs.
    static let secretMarkers = ["key=", "token=", "signature=", "sig=", "secret="]

    /// Bounds an upstream message and strips anything that looks like a key.
    static func sanitize(_ message: String) -> String {
        var redactNext = false
        let words = message.split(omittingEmptySubsequences: false, whereSeparator: \.isWhitespace).map {
            word -> Substring in
            let lowered = word.lowercased()
            // Quotes and brackets around a key do not hide it.
            let bare = lowered.drop { !$0.isLetter && !$0.isNumber }
            defer { redactNext = bare.hasPrefix("bearer") && bare.count <= 7 }
            if redactNext || secretPrefixes.contains(where: bare.hasPrefix)
                || secretMarkers.contains(where: lowered.contains)
            {
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
