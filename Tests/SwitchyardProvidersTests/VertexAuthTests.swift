import Foundation
import Logging
import NIOCore
import SwitchyardCore
import Synchronization
import Testing
import _CryptoExtras

@testable import SwitchyardProviders

/// Vertex service-account JWTs and the access-token cache (providers.md §3.7), no network.
@Suite struct VertexAuthTests {
    /// One test key for the suite (RSA generation is slow); PKCS#8 like Google's key files.
    static let key: _RSA.Signing.PrivateKey? = try? _RSA.Signing.PrivateKey(keySize: .bits2048)

    static func accountJSON(tokenURI: String? = "https://oauth2.googleapis.com/token") throws -> Data {
        let key = try #require(Self.key)
        var object: [String: String] = [
            "type": "service_account", "project_id": "my-project", "private_key_id": "kid-1",
            "private_key": key.pkcs8PEMRepresentation, "client_email": "sa@my-project.iam.gserviceaccount.com",
        ]
        object["token_uri"] = tokenURI
        return try JSONEncoder().encode(object)
    }

    static func base64URLDecode(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }

    @Test func jwtIsSignedWithRS256AndCarriesTheRightClaims() throws {
        let account = try VertexServiceAccount(json: try Self.accountJSON())
        #expect(account.projectID == "my-project")
        let jwt = try VertexJWT.make(account: account, issuedAt: 1_700_000_000)
        let segments = jwt.split(separator: ".", omittingEmptySubsequences: false)
        try #require(segments.count == 3)
        #expect(!jwt.contains("=") && !jwt.contains("+") && !jwt.contains("/"))

        let header = try JSONDecoder().decode(JSONValue.self, from: try #require(Self.base64URLDecode(segments[0])))
        #expect(header == GeminiFixtures.json(#"{"alg":"RS256","typ":"JWT","kid":"kid-1"}"#))
        let claims = try JSONDecoder().decode(JSONValue.self, from: try #require(Self.base64URLDecode(segments[1])))
        #expect(
            claims
                == GeminiFixtures.json(
                    #"""
                    {"iss":"sa@my-project.iam.gserviceaccount.com","scope":"https://www.googleapis.com/auth/cloud-platform",
                     "aud":"https://oauth2.googleapis.com/token","iat":1700000000,"exp":1700003600}
                    """#
                )
        )

        let signature = _RSA.Signing.RSASignature(rawRepresentation: try #require(Self.base64URLDecode(segments[2])))
        let signingInput = Data("\(segments[0]).\(segments[1])".utf8)
        let publicKey = try #require(Self.key).publicKey
        #expect(publicKey.isValidSignature(signature, for: signingInput, padding: .insecurePKCS1v1_5))
        #expect(!publicKey.isValidSignature(signature, for: Data("tampered".utf8), padding: .insecurePKCS1v1_5))
    }

    @Test func missingTokenURIDefaultsToGoogles() throws {
        let account = try VertexServiceAccount(json: try Self.accountJSON(tokenURI: nil))
        #expect(account.tokenURI == "https://oauth2.googleapis.com/token")
    }

    @Test func unusableCredentialsAreUpstreamAuthWithoutKeyMaterial() {
        let bad = Data(
            #"{"client_email":"a@b","private_key":"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"}"#
                .utf8
        )
        do {
            _ = try VertexServiceAccount(json: bad)
            Issue.record("expected a failure")
        } catch {
            #expect(error.kind == .upstreamAuth)
            #expect(!error.message.contains("AAAA"))
        }
        #expect(throws: UpstreamFailure.self) { try VertexServiceAccount(path: "/nonexistent/sa.json") }
    }

    @Test func tokenEndpointErrors() {
        let grant = VertexTokenFetcher.classify(
            status: 400,
            body: ByteBuffer(string: #"{"error":"invalid_grant","error_description":"Invalid JWT Signature."}"#)
        )
        #expect(grant.kind == .upstreamAuth)
        #expect(grant.code == "invalid_grant")
        #expect(VertexTokenFetcher.classify(status: 503, body: ByteBuffer()).kind == .serverError)
        #expect(
            VertexTokenFetcher.formBody(assertion: "a.b.c")
                == "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=a.b.c"
        )
    }

    /// A fetch that counts calls and hands out `tok-1`, `tok-2`, ... valid for an hour.
    final class FakeTokenEndpoint: Sendable {
        let calls = Mutex(0)
        let clock = Mutex(0.0)
        let failNext = Mutex(false)

        func cache() -> VertexTokenCache {
            let now: @Sendable () -> Double = { self.clock.withLock { $0 } }
            return VertexTokenCache(now: now) { _ throws(UpstreamFailure) in
                let n = self.calls.withLock { calls in
                    calls += 1
                    return calls
                }
                await Task.yield()
                if self.failNext.withLock({ $0 }) {
                    throw UpstreamFailure(kind: .upstreamAuth, status: 400, message: "invalid_grant")
                }
                return ("tok-\(n)", 3600)
            }
        }
    }

    static let deadline = NIODeadline.now() + .seconds(60)

    @Test func tokenIsCachedUntilShortlyBeforeExpiry() async throws {
        let endpoint = FakeTokenEndpoint()
        let cache = endpoint.cache()
        #expect(try await cache.token(deadline: Self.deadline) == "tok-1")
        endpoint.clock.withLock { $0 = 3299 }
        #expect(try await cache.token(deadline: Self.deadline) == "tok-1")
        endpoint.clock.withLock { $0 = 3301 }  // inside the 5-minute margin
        #expect(try await cache.token(deadline: Self.deadline) == "tok-2")
        #expect(endpoint.calls.withLock { $0 } == 2)
    }

    @Test func rejectedTokenIsRefreshedOnceAcrossCallers() async throws {
        let endpoint = FakeTokenEndpoint()
        let cache = endpoint.cache()
        #expect(try await cache.token(deadline: Self.deadline) == "tok-1")
        #expect(try await cache.token(rejected: "tok-1", deadline: Self.deadline) == "tok-2")
        // A second request that also saw tok-1 rejected does not refresh again.
        #expect(try await cache.token(rejected: "tok-1", deadline: Self.deadline) == "tok-2")
        #expect(endpoint.calls.withLock { $0 } == 2)
    }

    @Test func concurrentCallersShareOneFetch() async throws {
        let endpoint = FakeTokenEndpoint()
        let cache = endpoint.cache()
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 {
                group.addTask { try await cache.token(deadline: Self.deadline) }
            }
            var tokens: [String] = []
            for try await token in group { tokens.append(token) }
            return tokens
        }
        #expect(tokens == Array(repeating: "tok-1", count: 20))
        #expect(endpoint.calls.withLock { $0 } == 1)
    }

    @Test func fetchFailureReachesEveryCallerAndIsRetriedLater() async throws {
        let endpoint = FakeTokenEndpoint()
        endpoint.failNext.withLock { $0 = true }
        let cache = endpoint.cache()
        do {
            _ = try await cache.token(deadline: Self.deadline)
            Issue.record("expected a failure")
        } catch {
            #expect(error.kind == .upstreamAuth)
        }
        endpoint.failNext.withLock { $0 = false }
        #expect(try await cache.token(deadline: Self.deadline) == "tok-2")
    }

    @Test func vertexURLs() async throws {
        let http = UpstreamHTTPClient(maxConnections: 1, connectTimeoutMs: 100)
        let provider = ProviderConfig(
            name: "vertex",
            protocolName: "vertex",
            options: ProviderOptions(project: "p1", location: "europe-west4")
        )
        let adapter = VertexAdapter(
            provider: provider,
            project: "p1",
            baseURL: "",
            authorization: GeminiAPIKeyAuthorization(key: Secret("k")),
            http: http,
            logger: Logger(label: "test")
        )
        let url = try? adapter.url("gemini-2.5-flash", action: "streamGenerateContent?alt=sse")
        let evil = try? adapter.url("../evil?x=", action: "generateContent")
        let express = VertexAdapter(
            provider: ProviderConfig(name: "v", protocolName: "vertex", apiKey: Secret("k")),
            baseURL: "",
            http: http,
            logger: Logger(label: "test")
        )
        let expressURL = try? express.url("gemini-2.5-flash", action: "generateContent")
        await http.shutdown()
        #expect(
            expressURL
                == "https://aiplatform.googleapis.com/v1/publishers/google/models/gemini-2.5-flash:generateContent"
        )
        #expect(
            url
                == "https://europe-west4-aiplatform.googleapis.com/v1/projects/p1/locations/europe-west4/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
        )
        #expect(evil == nil)
        #expect(VertexAdapter.publicBaseURL(location: "global") == "https://aiplatform.googleapis.com")
    }
}
