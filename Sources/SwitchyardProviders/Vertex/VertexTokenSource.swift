import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import SwitchyardCore

/// OAuth access tokens for a Vertex AI service account (providers.md §3.7): mints a signed
/// JWT, exchanges it at the account's `token_uri`, and caches the token until shortly
/// before it expires. Also the `Authorization: Bearer` header source for Vertex requests.
struct VertexTokenSource: GeminiAuthorization {
    private let cache: VertexTokenCache

    /// A source for `account`, fetching through `http`.
    init(account: VertexServiceAccount, http: UpstreamHTTPClient, logger: Logger) {
        let fetcher = VertexTokenFetcher(account: account, http: http, logger: logger)
        let now: @Sendable () -> Double = { Date().timeIntervalSince1970 }
        self.cache = VertexTokenCache(now: now) { deadline throws(UpstreamFailure) in
            try await fetcher.fetch(deadline: deadline, issuedAt: Int(now()))
        }
    }

    /// A source over an existing cache (tests).
    init(cache: VertexTokenCache) {
        self.cache = cache
    }

    func header(rejected: String?, deadline: NIODeadline) async throws(UpstreamFailure) -> (
        name: String, value: String
    )? {
        let rejectedToken = rejected.map { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : $0 }
        let token = try await cache.token(rejected: rejectedToken, deadline: deadline)
        return ("authorization", "Bearer " + token)
    }

    var refreshesOnUnauthorized: Bool { true }
}

/// One token exchange: `POST token_uri` with the JWT-bearer grant.
struct VertexTokenFetcher: Sendable {
    let account: VertexServiceAccount
    let http: UpstreamHTTPClient
    let logger: Logger

    private struct TokenResponse: Decodable {
        var access_token: String?
        var expires_in: Double?
    }

    private struct TokenError: Decodable {
        var error: String?
        var error_description: String?
    }

    /// A new access token and its lifetime in seconds.
    func fetch(deadline: NIODeadline, issuedAt: Int) async throws(UpstreamFailure) -> (token: String, expiresIn: Double)
    {
        let jwt = try VertexJWT.make(account: account, issuedAt: issuedAt)
        var request = HTTPClientRequest(url: account.tokenURI)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "accept", value: "application/json")
        request.body = .bytes(ByteBuffer(string: Self.formBody(assertion: jwt)))
        let response = try await http.execute(request, deadline: deadline, logger: logger)
        let body: ByteBuffer
        do {
            body = try await response.body.collect(upTo: 1024 * 1024)
        } catch {
            throw UpstreamTransportError.classify(error)
        }
        let status = Int(response.status.code)
        guard (200..<300).contains(status) else {
            throw Self.classify(status: status, body: body)
        }
        guard let decoded = try? JSONDecoder().decode(TokenResponse.self, from: body),
            let token = decoded.access_token, !token.isEmpty
        else {
            throw UpstreamFailure(
                kind: .upstreamAuth,
                status: status,
                message: "Vertex AI: the token endpoint sent no access token"
            )
        }
        logger.debug("fetched a Vertex AI access token")
        return (token, decoded.expires_in ?? 3600)
    }

    /// `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<JWT>`, form-encoded
    /// (a JWT is base64url and dots: nothing to escape).
    static func formBody(assertion: String) -> String {
        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=" + assertion
    }

    /// Token endpoint failures: bad key or clock skew (`invalid_grant`) is a credential
    /// problem; 429 and 5xx are the endpoint's.
    static func classify(status: Int, body: ByteBuffer) -> UpstreamFailure {
        let decoded = try? JSONDecoder().decode(TokenError.self, from: body)
        let reason = [decoded?.error, decoded?.error_description].compactMap { $0 }.joined(separator: ": ")
        let message = OpenAIErrorClassifier.sanitize(
            "Vertex AI token exchange failed (HTTP \(status))" + (reason.isEmpty ? "" : ": " + reason)
        )
        let kind: UpstreamFailure.Kind =
            switch status {
            case 429: .rateLimited
            case 500...599: .serverError
            default: .upstreamAuth
            }
        return UpstreamFailure(kind: kind, status: status, message: message, code: decoded?.error)
    }
}
