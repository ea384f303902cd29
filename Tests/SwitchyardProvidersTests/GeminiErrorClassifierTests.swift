import NIOCore
import SwitchyardCore
import Testing

@testable import SwitchyardProviders

/// Google RPC error bodies → failure classes (providers.md §3.6, §8.1).
@Suite struct GeminiErrorClassifierTests {
    static func classify(_ status: Int, _ body: String) -> UpstreamFailure {
        GeminiErrorClassifier.classify(status: status, body: ByteBuffer(string: body))
    }

    @Test func resourceExhaustedIsRateLimitedWithRetryDelay() {
        let failure = Self.classify(
            429,
            #"""
            {"error": {"code": 429, "message": "Resource has been exhausted (e.g. check quota).", "status": "RESOURCE_EXHAUSTED",
                       "details": [{"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [{"quotaMetric": "x"}]},
                                   {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "37s"}]}}
            """#
        )
        #expect(failure.kind == .rateLimited)
        #expect(failure.status == 429)
        #expect(failure.retryAfterSeconds == 37)
        #expect(failure.code == "RESOURCE_EXHAUSTED")
        #expect(failure.message == "Resource has been exhausted (e.g. check quota).")
    }

    @Test func invalidAPIKeyIsAnUpstreamAuthProblem() {
        let failure = Self.classify(
            400,
            #"""
            {"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT",
              "details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com"}]}}
            """#
        )
        #expect(failure.kind == .upstreamAuth)
    }

    @Test func tooManyInputTokensIsContextLength() {
        let failure = Self.classify(
            400,
            #"{"error":{"code":400,"message":"The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).","status":"INVALID_ARGUMENT"}}"#
        )
        #expect(failure.kind == .contextLength)
        #expect(failure.code == "context_length_exceeded")
    }

    @Test func statusTable() {
        let cases: [(Int, String, UpstreamFailure.Kind)] = [
            (400, "INVALID_ARGUMENT", .invalidRequest),
            (400, "FAILED_PRECONDITION", .invalidRequest),
            (401, "UNAUTHENTICATED", .upstreamAuth),
            (403, "PERMISSION_DENIED", .upstreamAuth),
            (404, "NOT_FOUND", .upstreamNotFound),
            (429, "RESOURCE_EXHAUSTED", .rateLimited),
            (500, "INTERNAL", .serverError),
            (503, "UNAVAILABLE", .overloaded),
            (504, "DEADLINE_EXCEEDED", .serverError),
        ]
        for (status, rpc, kind) in cases {
            let failure = Self.classify(status, #"{"error":{"code":\#(status),"message":"m","status":"\#(rpc)"}}"#)
            #expect(failure.kind == kind, "\(rpc)")
            #expect(failure.status == status)
            #expect(failure.retryAfterSeconds == nil)
        }
    }

    @Test func billingPreconditionIsQuota() {
        let failure = Self.classify(
            400,
            #"{"error":{"code":400,"message":"Gemini API free tier is not available in your country. Please enable billing.","status":"FAILED_PRECONDITION"}}"#
        )
        #expect(failure.kind == .quotaExhausted)
    }

    @Test func nonJSONBodiesFallBackToTheHTTPStatus() {
        #expect(Self.classify(502, "<html>Bad Gateway</html>").kind == .serverError)
        #expect(Self.classify(503, "").kind == .overloaded)
        #expect(Self.classify(429, "").kind == .rateLimited)
        #expect(Self.classify(413, "").kind == .tooLarge)
        #expect(Self.classify(404, "").message == "upstream answered HTTP 404")
    }

    @Test func keysInMessagesAreRedacted() {
        let failure = Self.classify(
            400,
            #"{"error":{"code":400,"message":"API key AIzaSyDUMMYDUMMYDUMMY is invalid","status":"INVALID_ARGUMENT"}}"#
        )
        #expect(!failure.message.contains("AIza"))
    }

    @Test func durations() {
        #expect(GeminiErrorClassifier.parseDuration("37s") == 37)
        #expect(GeminiErrorClassifier.parseDuration("1.5s") == 1.5)
        #expect(GeminiErrorClassifier.parseDuration("37") == nil)
        #expect(GeminiErrorClassifier.parseDuration("-1s") == nil)
        #expect(GeminiErrorClassifier.parseDuration("999999999s") == 86_400)
    }
}
