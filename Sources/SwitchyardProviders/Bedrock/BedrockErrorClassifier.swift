import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import SwitchyardCore

/// Classifies Bedrock errors (providers.md §4.6, §8.1): HTTP answers, whose error name is in
/// `x-amzn-ErrorType` or the body's `__type`/`code`, and `exception` / `error` messages
/// inside a ConverseStream.
public enum BedrockErrorClassifier {
    /// The failure for a non-2xx answer.
    public static func classify(status: Int, headers: HTTPHeaders, body: ByteBuffer) -> UpstreamFailure {
        let decoded = try? JSONDecoder().decode(BedrockWire.ErrorBody.self, from: body)
        let name = errorName(header: headers.first(name: "x-amzn-ErrorType"), body: decoded)
        let message = decoded?.text ?? "upstream answered HTTP \(status)"
        return failure(name: name, status: status, message: message, retryAfter: OpenAIErrorClassifier.retryAfterSeconds(headers))
    }

    /// The failure for a stream message whose `:message-type` is `exception` or `error`.
    static func streamFailure(_ message: EventStreamMessage) -> UpstreamFailure {
        if message.messageType == "error" {
            let code = message.string(":error-code")
            let text = message.string(":error-message") ?? "upstream reported an error mid-stream"
            return failure(name: code, status: nil, message: text, retryAfter: nil)
        }
        let decoded = try? JSONDecoder().decode(BedrockWire.ErrorBody.self, from: message.payload)
        let name = message.string(":exception-type") ?? decoded?.__type
        let text = decoded?.text ?? "upstream reported \(name ?? "an exception") mid-stream"
        return failure(name: name, status: nil, message: text, retryAfter: nil)
    }

    /// The error name without namespace or suffix: `ThrottlingException:http://...` →
    /// `ThrottlingException`, `com.amazon.coral.service#UnrecognizedClientException` →
    /// `UnrecognizedClientException`.
    static func errorName(header: String?, body: BedrockWire.ErrorBody?) -> String? {
        guard var raw = header ?? body?.__type ?? body?.code, !raw.isEmpty else { return nil }
        if let colon = raw.firstIndex(of: ":") { raw = String(raw[..<colon]) }
        if let hash = raw.lastIndex(of: "#") { raw = String(raw[raw.index(after: hash)...]) }
        return raw.trimmingCharacters(in: .whitespaces)
    }

    /// Maps an error name (either case: HTTP names are `ThrottlingException`, stream names
    /// `throttlingException`) and status to a failure class.
    static func failure(name: String?, status: Int?, message: String, retryAfter: Double?) -> UpstreamFailure {
        let lowered = message.lowercased()
        let tooLong = OpenAIErrorClassifier.contextLengthPhrases.contains(where: lowered.contains)
        let (kind, defaultStatus): (UpstreamFailure.Kind, Int?) =
            switch name?.lowercased() {
            case "throttlingexception", "modelnotreadyexception", "toomanyrequestsexception": (.rateLimited, 429)
            // An account quota: another account may serve.
            case "servicequotaexceededexception": (.quotaExhausted, 400)
            case "serviceunavailableexception": (.overloaded, 503)
            case "internalserverexception", "internalfailure": (.serverError, 500)
            case "modeltimeoutexception": (.serverError, 408)
            case "modelerrorexception", "modelstreamerrorexception": (.serverError, 424)
            case "validationexception", "conflictexception": (tooLong ? .contextLength : .invalidRequest, 400)
            case "accessdeniedexception", "unrecognizedclientexception", "invalidsignatureexception",
                "expiredtokenexception", "incompletesignatureexception", "missingauthenticationtokenexception",
                "invalidclienttokenid", "signaturedoesnotmatch":
                (.upstreamAuth, 403)
            case "resourcenotfoundexception": (.upstreamNotFound, 404)
            default: (kindForStatus(status, tooLong: tooLong), nil)
            }
        return UpstreamFailure(
            kind: kind,
            status: status ?? defaultStatus,
            message: OpenAIErrorClassifier.sanitize(message),
            code: name,
            retryAfterSeconds: retryAfter
        )
    }

    /// The class of an error without a recognised name.
    static func kindForStatus(_ status: Int?, tooLong: Bool) -> UpstreamFailure.Kind {
        switch status {
        case nil: .serverError
        case 429: .rateLimited
        case 400, 422: tooLong ? .contextLength : .invalidRequest
        case 401, 403: .upstreamAuth
        case 404: .upstreamNotFound
        case 408: .timeout
        case 413: .tooLarge
        case 503: .overloaded
        case .some(let code) where code >= 400 && code < 500: .invalidRequest
        default: .serverError
        }
    }
}
