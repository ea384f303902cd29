import Foundation
import NIOCore
import NIOFoundationCompat
import SwitchyardCore

/// Classifies a Google RPC error answer (Gemini API and Vertex AI, providers.md §3.6 and
/// §8.1) into the router's failure classes.
enum GeminiErrorClassifier {
    /// The failure for a non-2xx answer with its body.
    static func classify(status: Int, body: ByteBuffer) -> UpstreamFailure {
        let detail = (try? JSONDecoder().decode(GeminiWire.ErrorBody.self, from: body))?.error
        let message = detail?.message ?? "upstream answered HTTP \(status)"
        return classify(status: status, detail: detail, message: message)
    }

    /// The failure for an `{"error":...}` object received inside a 200 stream.
    static func streamError(_ payload: ByteBuffer) -> UpstreamFailure {
        let detail = (try? JSONDecoder().decode(GeminiWire.ErrorBody.self, from: payload))?.error
        let message = detail?.message ?? "upstream reported an error mid-stream"
        var failure = classify(status: detail?.code ?? 500, detail: detail, message: message)
        failure.status = nil
        return failure
    }

    private static func classify(status: Int, detail: GeminiWire.ErrorBody.Detail?, message: String) -> UpstreamFailure
    {
        let rpcStatus = detail?.status
        let reasons = Set((detail?.details ?? []).compactMap(\.reason))
        let lowered = message.lowercased()
        let retryAfter = (detail?.details ?? []).lazy.compactMap(\.retryDelay).compactMap(parseDuration).first
        var code = rpcStatus

        let kind: UpstreamFailure.Kind
        if reasons.contains("API_KEY_INVALID") || lowered.contains("api key not valid") {
            kind = .upstreamAuth
        } else if OpenAIErrorClassifier.contextLengthPhrases.contains(where: lowered.contains),
            status < 500 || rpcStatus == "INVALID_ARGUMENT"
        {
            kind = .contextLength
            code = "context_length_exceeded"
        } else if let rpcStatus, let mapped = rpcKind(rpcStatus, lowered: lowered) {
            kind = mapped
        } else {
            kind = httpKind(status)
        }
        return UpstreamFailure(
            kind: kind,
            status: status,
            message: OpenAIErrorClassifier.sanitize(message),
            code: code,
            retryAfterSeconds: retryAfter
        )
    }

    private static func rpcKind(_ status: String, lowered: String) -> UpstreamFailure.Kind? {
        switch status {
        case "RESOURCE_EXHAUSTED": return .rateLimited
        case "UNAVAILABLE": return .overloaded
        case "INVALID_ARGUMENT", "OUT_OF_RANGE": return .invalidRequest
        case "FAILED_PRECONDITION":
            // Billing not enabled / free tier unavailable: an account problem, not the request.
            return lowered.contains("billing") || lowered.contains("free tier") ? .quotaExhausted : .invalidRequest
        case "PERMISSION_DENIED", "UNAUTHENTICATED": return .upstreamAuth
        case "NOT_FOUND": return .upstreamNotFound
        case "INTERNAL", "UNKNOWN", "DATA_LOSS", "ABORTED": return .serverError
        case "DEADLINE_EXCEEDED": return .serverError
        case "CANCELLED": return .serverError
        default: return nil
        }
    }

    private static func httpKind(_ status: Int) -> UpstreamFailure.Kind {
        switch status {
        case 429: .rateLimited
        case 401, 403: .upstreamAuth
        case 404: .upstreamNotFound
        case 408: .timeout
        case 413: .tooLarge
        case 503: .overloaded
        case 500...599: .serverError
        case 400..<500: .invalidRequest
        default: .serverError
        }
    }

    /// A protobuf duration (`"37s"`, `"1.5s"`), in seconds, clamped to a day.
    static func parseDuration(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasSuffix("s"), let value = Double(trimmed.dropLast()), value.isFinite, value >= 0 else {
            return nil
        }
        return min(value, OpenAIErrorClassifier.maxRetryAfterSeconds)
    }
}
