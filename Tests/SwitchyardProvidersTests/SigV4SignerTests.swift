import Foundation
import Testing

@testable import SwitchyardProviders
import SwitchyardCore

/// The published AWS SigV4 vectors and the Bedrock regression value (providers.md §9.1, §9.2).
@Suite struct SigV4SignerTests {
    static let keyID = Secret("AKIDEXAMPLE")
    static let secret = Secret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    static let emptyBody: [UInt8] = []

    static func sha256Hex(_ text: String) -> String {
        SigV4Signer.sha256Hex(Array(text.utf8))
    }

    @Test func iamListUsers() {
        let signer = SigV4Signer(accessKeyID: Self.keyID, secretAccessKey: Self.secret, region: "us-east-1", service: "iam")
        let parts = signer.signature(
            method: "GET",
            path: "/",
            query: "Action=ListUsers&Version=2010-05-08",
            headers: [
                ("content-type", "application/x-www-form-urlencoded; charset=utf-8"),
                ("host", "iam.amazonaws.com"),
                ("x-amz-date", "20150830T123600Z"),
            ],
            body: Self.emptyBody,
            amzDate: "20150830T123600Z"
        )
        #expect(Self.sha256Hex(parts.canonicalRequest) == "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59")
        #expect(SigV4Signer.hex(parts.signingKey) == "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9")
        #expect(parts.signature == "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7")
        #expect(parts.signedHeaders == "content-type;host;x-amz-date")
    }

    @Test(arguments: [
        ("GET", "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
         "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        ("POST", "553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87",
         "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
    ])
    func vanilla(method: String, canonicalHash: String, signature: String) {
        let signer = SigV4Signer(accessKeyID: Self.keyID, secretAccessKey: Self.secret, region: "us-east-1", service: "service")
        let parts = signer.signature(
            method: method, path: "/", query: "",
            headers: [("host", "example.amazonaws.com"), ("x-amz-date", "20150830T123600Z")],
            body: Self.emptyBody, amzDate: "20150830T123600Z"
        )
        #expect(Self.sha256Hex(parts.canonicalRequest) == canonicalHash)
        #expect(parts.signature == signature)
    }

    static let bedrockBody = #"{"messages":[{"role":"user","content":[{"text":"Hi"}]}],"inferenceConfig":{"maxTokens":64}}"#
    static let bedrockDate = Date(timeIntervalSince1970: 1_704_067_200)  // 2024-01-01T00:00:00Z
    static let bedrockAuthorization =
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/bedrock/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=74247746791f7fb944955fc5fc6ee3df144abd75d09f008625f9c64daf9fc76f"

    @Test func bedrockConverseRegression() {
        let signer = SigV4Signer(accessKeyID: Self.keyID, secretAccessKey: Self.secret, region: "us-east-1")
        let parts = signer.signature(
            method: "POST",
            path: "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse",
            query: "",
            headers: [
                ("content-type", "application/json"),
                ("host", "bedrock-runtime.us-east-1.amazonaws.com"),
                ("x-amz-date", "20240101T000000Z"),
            ],
            body: Array(Self.bedrockBody.utf8),
            amzDate: "20240101T000000Z"
        )
        let expected = """
            POST
            /model/anthropic.claude-3-haiku-20240307-v1%253A0/converse

            content-type:application/json
            host:bedrock-runtime.us-east-1.amazonaws.com
            x-amz-date:20240101T000000Z

            content-type;host;x-amz-date
            9fe85f2d1d832f88fa910da82e4380943a72b2d8f884106428ba8c4588a20b85
            """
        #expect(parts.canonicalRequest == expected)
        #expect(Self.sha256Hex(parts.canonicalRequest) == "081906d8fb339969faf4fb147f0d85b0ab2989e7ca06a5c789881f70242f185f")
        #expect(SigV4Signer.hex(parts.signingKey) == "21089d499243805272d09b1eadc838ec9bedda1a512030b640901ab384b28a19")
        #expect(parts.signature == "74247746791f7fb944955fc5fc6ee3df144abd75d09f008625f9c64daf9fc76f")

        let headers = signer.sign(
            method: "POST",
            path: "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse",
            headers: [("content-type", "application/json"), ("host", "bedrock-runtime.us-east-1.amazonaws.com")],
            body: Array(Self.bedrockBody.utf8),
            date: Self.bedrockDate
        )
        #expect(headers.map(\.name) == ["x-amz-date", "authorization"])
        #expect(headers.first?.value == "20240101T000000Z")
        #expect(headers.last?.value == Self.bedrockAuthorization)
    }

    @Test func sessionTokenIsSentAndSigned() {
        let signer = SigV4Signer(
            accessKeyID: Self.keyID, secretAccessKey: Self.secret, sessionToken: Secret("TOKEN"), region: "eu-west-1"
        )
        let headers = signer.sign(
            method: "POST", path: "/model/x/converse", headers: [("host", "h")], body: Self.emptyBody, date: Self.bedrockDate
        )
        #expect(headers.contains { $0.name == "x-amz-security-token" && $0.value == "TOKEN" })
        let authorization = headers.first { $0.name == "authorization" }?.value ?? ""
        #expect(authorization.contains("SignedHeaders=host;x-amz-date;x-amz-security-token,"))
        #expect(authorization.contains("/20240101/eu-west-1/bedrock/aws4_request"))
        #expect(!authorization.contains("TOKEN"))
    }

    @Test func amzDateFormatting() {
        #expect(SigV4Signer.amzDate(Date(timeIntervalSince1970: 1_440_938_160)) == "20150830T123600Z")
        #expect(SigV4Signer.amzDate(Date(timeIntervalSince1970: 0)) == "19700101T000000Z")
        #expect(SigV4Signer.amzDate(Date(timeIntervalSince1970: 951_825_599.9)) == "20000229T115959Z")
        #expect(SigV4Signer.amzDate(Date(timeIntervalSince1970: 4_102_444_800)) == "21000101T000000Z")
    }

    @Test func canonicalForms() {
        #expect(SigV4Signer.uriEncode("us.anthropic.claude-sonnet-4-5-20250929-v1:0", keepSlash: false)
            == "us.anthropic.claude-sonnet-4-5-20250929-v1%3A0")
        #expect(SigV4Signer.uriEncode("arn:aws:bedrock:us-east-1::foundation-model/x", keepSlash: false)
            == "arn%3Aaws%3Abedrock%3Aus-east-1%3A%3Afoundation-model%2Fx")
        #expect(SigV4Signer.canonicalURI("/model/a%2Fb/converse") == "/model/a%252Fb/converse")
        #expect(SigV4Signer.canonicalURI("") == "/")
        #expect(SigV4Signer.canonicalQuery("b=2&a=x y&a=1") == "a=1&a=x%20y&b=2")
        #expect(SigV4Signer.canonicalHeaderValue("  a   b\tc ") == "a b c")
    }
}
