import Foundation
import SwitchyardCore
import _CryptoExtras

/// The signed JWT a service account exchanges for an OAuth access token (providers.md §3.7
/// step 2): RS256 = RSASSA-PKCS1-v1_5 with SHA-256.
enum VertexJWT {
    /// The OAuth scope Vertex AI needs.
    static let scope = "https://www.googleapis.com/auth/cloud-platform"
    /// Google accepts at most one hour between `iat` and `exp`.
    static let lifetimeSeconds = 3600

    private struct Header: Encodable {
        var alg = "RS256"
        var typ = "JWT"
        var kid: String?
    }

    private struct Claims: Encodable {
        var iss: String
        var scope: String
        var aud: String
        var iat: Int
        var exp: Int
    }

    /// `base64url(header).base64url(claims).base64url(signature)` for `account`, issued at
    /// `issuedAt` (seconds since 1970).
    static func make(account: VertexServiceAccount, issuedAt: Int) throws(UpstreamFailure) -> String {
        let header = Header(kid: account.privateKeyID)
        let claims = Claims(
            iss: account.clientEmail,
            scope: scope,
            aud: account.tokenURI,
            iat: issuedAt,
            exp: issuedAt + lifetimeSeconds
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let signingInput: String
        do {
            signingInput = base64URL(try encoder.encode(header)) + "." + base64URL(try encoder.encode(claims))
        } catch {
            throw UpstreamFailure(kind: .upstreamAuth, message: "Vertex AI: could not encode the token request")
        }
        let signature: _RSA.Signing.RSASignature
        do {
            signature = try account.privateKey.signature(for: Data(signingInput.utf8), padding: .insecurePKCS1v1_5)
        } catch {
            throw UpstreamFailure(kind: .upstreamAuth, message: "Vertex AI: could not sign the token request")
        }
        return signingInput + "." + base64URL(signature.rawRepresentation)
    }

    /// Base64url without padding (RFC 7515 §2).
    static func base64URL(_ data: Data) -> String {
        var text = data.base64EncodedString()
        text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }
}
