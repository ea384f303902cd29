import NIOCore
import NIOHTTP1
import Testing

@testable import SwitchyardProviders
import SwitchyardCore

/// Bedrock error answers → failure classes (providers.md §4.6, §8.1).
@Suite struct BedrockErrorClassifierTests {
    static func classify(_ status: Int, header: String?, body: String) -> UpstreamFailure {
        var headers = HTTPHeaders()
        if let header { headers.add(name: "x-amzn-ErrorType", value: header) }
        return BedrockErrorClassifier.classify(status: status, headers: headers, body: ByteBuffer(string: body))
    }

    @Test(arguments: [
        (429, "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/", UpstreamFailure.Kind.rateLimited),
        (429, "ModelNotReadyException", .rateLimited),
        (503, "ServiceUnavailableException", .overloaded),
        (500, "InternalServerException", .serverError),
        (408, "ModelTimeoutException", .serverError),
        (424, "ModelErrorException", .serverError),
        (400, "ValidationException", .invalidRequest),
        (400, "ServiceQuotaExceededException", .quotaExhausted),
        (400, "ConflictException", .invalidRequest),
        (403, "AccessDeniedException", .upstreamAuth),
        (403, "UnrecognizedClientException", .upstreamAuth),
        (403, "InvalidSignatureException", .upstreamAuth),
        (403, "ExpiredTokenException", .upstreamAuth),
        (404, "ResourceNotFoundException", .upstreamNotFound),
    ])
    func fromHeader(status: Int, header: String, kind: UpstreamFailure.Kind) {
        let failure = Self.classify(status, header: header, body: #"{"message":"something"}"#)
        #expect(failure.kind == kind)
        #expect(failure.status == status)
        #expect(failure.message == "something")
        #expect(failure.code == header.split(separator: ":").first.map(String.init))
    }

    @Test func contextLengthPhrases() {
        for message in ["Input is too long for requested model.", "prompt is too long: 210000 tokens > 200000 maximum", "too many input tokens"] {
            #expect(Self.classify(400, header: "ValidationException", body: #"{"message":"\#(message)"}"#).kind == .contextLength)
        }
    }

    @Test func fromBodyType() {
        let failure = Self.classify(400, header: nil, body: #"{"__type":"com.amazon.coral.service#UnrecognizedClientException","Message":"The security token included in the request is invalid."}"#)
        #expect(failure.kind == .upstreamAuth)
        #expect(failure.code == "UnrecognizedClientException")
        #expect(failure.message == "The security token included in the request is invalid.")
    }

    @Test func unknownNamesFallBackToStatus() {
        #expect(Self.classify(429, header: nil, body: "").kind == .rateLimited)
        #expect(Self.classify(502, header: nil, body: "<html>").kind == .serverError)
        #expect(Self.classify(503, header: nil, body: "").kind == .overloaded)
        #expect(Self.classify(413, header: nil, body: "").kind == .tooLarge)
        #expect(Self.classify(401, header: nil, body: "{}").kind == .upstreamAuth)
        let plain = Self.classify(500, header: nil, body: "")
        #expect(plain.message == "upstream answered HTTP 500")
    }

    @Test func retryAfterIsRead() {
        var headers = HTTPHeaders()
        headers.add(name: "x-amzn-ErrorType", value: "ThrottlingException")
        headers.add(name: "retry-after", value: "3")
        let failure = BedrockErrorClassifier.classify(status: 429, headers: headers, body: ByteBuffer(string: "{}"))
        #expect(failure.retryAfterSeconds == 3)
    }
}
