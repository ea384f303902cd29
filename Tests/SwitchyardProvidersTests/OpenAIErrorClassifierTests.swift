import NIOCore
import NIOHTTP1
import SwitchyardCore
import Testing

@testable import SwitchyardProviders

@Suite("OpenAIErrorClassifier: upstream error answers to failure classes (providers.md §8.1)")
struct OpenAIErrorClassifierTests {
    static func classify(_ status: Int, _ body: String = "", headers: [(String, String)] = []) -> UpstreamFailure {
        OpenAIErrorClassifier.classify(status: status, headers: HTTPHeaders(headers), body: ByteBuffer(string: body))
    }

    static func openAIBody(message: String, type: String = "invalid_request_error", code: String? = nil) -> String {
        let code = code.map { #""\#($0)""# } ?? "null"
        return #"{"error":{"message":"\#(message)","type":"\#(type)","param":null,"code":\#(code)}}"#
    }

    @Test(arguments: [
        (400, UpstreamFailure.Kind.invalidRequest), (401, .upstreamAuth), (402, .quotaExhausted),
        (403, .upstreamAuth), (404, .upstreamNotFound), (408, .timeout), (409, .invalidRequest),
        (413, .tooLarge), (422, .invalidRequest), (429, .rateLimited), (498, .overloaded),
        (500, .serverError), (502, .serverError), (503, .overloaded), (504, .serverError), (529, .overloaded),
    ])
    func statusMapsToKind(status: Int, kind: UpstreamFailure.Kind) {
        let failure = Self.classify(status, Self.openAIBody(message: "something went wrong"))
        #expect(failure.kind == kind)
        #expect(failure.status == status)
        #expect(failure.message == "something went wrong")
    }

    @Test func rateLimitVersusInsufficientQuota() {
        let limited = Self.classify(
            429, Self.openAIBody(message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded"))
        #expect(limited.kind == .rateLimited)
        #expect(limited.code == "rate_limit_exceeded")
        let quota = Self.classify(
            429,
            Self.openAIBody(message: "You exceeded your current quota", type: "insufficient_quota", code: "insufficient_quota"))
        #expect(quota.kind == .quotaExhausted)
        let quotaByTypeOnly = Self.classify(429, Self.openAIBody(message: "quota", type: "insufficient_quota"))
        #expect(quotaByTypeOnly.kind == .quotaExhausted)
        let moonshot = Self.classify(429, Self.openAIBody(message: "quota", type: "exceeded_current_quota_error"))
        #expect(moonshot.kind == .quotaExhausted)
    }

    @Test func contextLengthByCode() {
        let failure = Self.classify(
            400, #"{"error":{"message":"too long","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}"#)
        #expect(failure.kind == .contextLength)
        #expect(failure.code == "context_length_exceeded")
        #expect(failure.param == "messages")
        #expect(failure.isClientError)
    }

    @Test(arguments: [
        "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.",
        "prompt is too long: 210000 tokens > 200000 maximum",
        "The input exceeds the maximum number of tokens",
        "Input is too long for requested model.",
        "Too many input tokens",
        "input length and `max_tokens` exceed context limit: 199000 + 8192 > 200000",
    ])
    func contextLengthByMessagePhrase(message: String) {
        #expect(Self.classify(400, Self.openAIBody(message: message)).kind == .contextLength)
    }

    @Test func contentFilter() {
        let failure = Self.classify(400, Self.openAIBody(message: "The response was filtered", code: "content_filter"))
        #expect(failure.kind == .contentFiltered)
        #expect(failure.code == "content_filter")
        #expect(!failure.isRetryable(under: Set(RetryCondition.allCases)))
    }

    @Test func plainBadRequestIsInvalidRequestWithItsCode() {
        let failure = Self.classify(400, Self.openAIBody(message: "Unsupported parameter: 'logprobs'", code: "unsupported_parameter"))
        #expect(failure.kind == .invalidRequest)
        #expect(failure.code == "unsupported_parameter")
        #expect(failure.message == "Unsupported parameter: 'logprobs'")
    }

    @Test func retryAfterHeaders() {
        func seconds(_ headers: [(String, String)]) -> Double? {
            OpenAIErrorClassifier.retryAfterSeconds(HTTPHeaders(headers))
        }
        #expect(seconds([("retry-after", "7")]) == 7)
        #expect(seconds([("Retry-After", " 2.5 ")]) == 2.5)
        #expect(seconds([("retry-after-ms", "1500")]) == 1.5)
        #expect(seconds([("retry-after-ms", "250"), ("retry-after", "9")]) == 0.25)
        #expect(seconds([("retry-after-ms", "soon"), ("retry-after", "9")]) == 9)
        #expect(seconds([("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")]) == nil)
        #expect(seconds([("retry-after", "-3")]) == nil)
        #expect(seconds([("retry-after", "inf")]) == nil)
        #expect(seconds([("retry-after", "nan")]) == nil)
        #expect(seconds([("retry-after", "1e300")]) == 86_400)
        #expect(seconds([]) == nil)
    }

    @Test func retryAfterIsCarriedOnTheFailure() {
        let failure = Self.classify(429, Self.openAIBody(message: "slow down"), headers: [("retry-after", "3")])
        #expect(failure.retryAfterSeconds == 3)
    }

    @Test func mistralFlatBody() {
        let body = #"{"object":"error","message":"Prompt contains 40000 tokens, too large for model with 32768 maximum context length","type":"invalid_request_error","param":null,"code":"3051"}"#
        let failure = Self.classify(400, body)
        #expect(failure.kind == .contextLength)
        #expect(failure.message.hasPrefix("Prompt contains 40000 tokens"))
        let unprocessable = Self.classify(422, #"{"object":"error","message":"Extra inputs are not permitted","type":"invalid_request_error"}"#)
        #expect(unprocessable.kind == .invalidRequest)
        #expect(unprocessable.message == "Extra inputs are not permitted")
    }

    @Test func xAIFlatErrorString() {
        let failure = Self.classify(400, #"{"code":"Client specified an invalid argument","error":"Incorrect model name"}"#)
        #expect(failure.kind == .invalidRequest)
        #expect(failure.message == "Incorrect model name")
    }

    @Test func fastAPIDetailString() {
        #expect(Self.classify(404, #"{"detail":"Not Found"}"#).message == "Not Found")
    }

    @Test func numericCodesBecomeStrings() {
        let failure = Self.classify(429, #"{"error":{"message":"Rate limit exceeded","code":429}}"#)
        #expect(failure.code == "429")
        #expect(failure.kind == .rateLimited)
    }

    @Test(arguments: [
        "Incorrect API key provided: sk-proj-abc123xyz. You can find your API key at https://platform.openai.com.",
        "Invalid key 'sk-ant-api03-secret'",
        "bad key (gsk_secretsecret)",
        "bad key xai-secretsecret",
        "request to https://generativelanguage.googleapis.com/v1beta?key=AIzaSyExample failed",
        "API key not valid: AIzaSyExampleExample",
        "header Authorization: Bearer abc.def.secret rejected",
        "key:\nsk-on-a-new-line",
    ])
    func keyLookingWordsAreRedacted(message: String) {
        let failure = Self.classify(401, Self.openAIBody(message: message.replacingOccurrences(of: "\n", with: "\\n")))
        #expect(failure.kind == .upstreamAuth)
        #expect(failure.message.contains("[redacted]"))
        for secret in ["sk-proj-abc123xyz", "sk-ant-api03", "gsk_secret", "xai-secret", "AIzaSyExample", "abc.def.secret", "sk-on"] {
            #expect(!failure.message.contains(secret))
        }
    }

    @Test func ordinaryWordsAreNotRedacted() {
        let message = "The model `gpt-4o` does not exist: ask your key administrator (task-based access)."
        #expect(Self.classify(404, Self.openAIBody(message: message)).message == message)
    }

    @Test func longMessagesAreBounded() {
        let failure = Self.classify(500, Self.openAIBody(message: String(repeating: "a", count: 5000)))
        #expect(failure.message.count <= 1001)
    }

    @Test(arguments: ["", "<html>502 Bad Gateway</html>", "{", "[]", #"{"error":42}"#, "null"])
    func garbageBodyFallsBackToStatus(body: String) {
        let failure = Self.classify(502, body)
        #expect(failure.kind == .serverError)
        #expect(failure.message == "upstream answered HTTP 502")
        #expect(failure.code == nil)
    }

    @Test func streamErrorPayload() {
        let failure = OpenAIErrorClassifier.streamError(
            ByteBuffer(string: #"{"error":{"message":"overloaded, key=abc","type":"server_error","code":"overloaded"}}"#))
        #expect(failure.kind == .serverError)
        #expect(failure.code == "overloaded")
        #expect(failure.message == "overloaded, [redacted]")
    }
}
