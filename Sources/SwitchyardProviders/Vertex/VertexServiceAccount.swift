import Foundation
import SwitchyardCore
import _CryptoExtras

/// A Google Cloud service-account key (the JSON file `credentials_file` points to), parsed
/// once: the fields used to mint OAuth access tokens (providers.md §3.7).
struct VertexServiceAccount: Sendable {
    /// The Google OAuth token endpoint, used when the file names none.
    static let defaultTokenURI = "https://oauth2.googleapis.com/token"

    var clientEmail: String
    var privateKeyID: String?
    var tokenURI: String
    var projectID: String?
    var privateKey: _RSA.Signing.PrivateKey

    /// The JSON fields read from the file.
    private struct File: Decodable {
        var client_email: String?
        var private_key: String?
        var private_key_id: String?
        var token_uri: String?
        var project_id: String?
    }

    /// Parses a service-account JSON document. Errors never include key material.
    init(json: Data) throws(UpstreamFailure) {
        guard let file = try? JSONDecoder().decode(File.self, from: json) else {
            throw Self.failure("the service-account credentials are not valid JSON")
        }
        guard let email = file.client_email, !email.isEmpty, let pem = file.private_key, !pem.isEmpty else {
            throw Self.failure("the service-account credentials lack client_email or private_key")
        }
        do {
            privateKey = try _RSA.Signing.PrivateKey(pemRepresentation: pem)
        } catch {
            throw Self.failure("the service-account private_key is not a usable RSA key (2048 bits or more)")
        }
        clientEmail = email
        privateKeyID = file.private_key_id
        tokenURI = file.token_uri.flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultTokenURI
        projectID = file.project_id
    }

    /// Reads and parses the file at `path`.
    init(path: String) throws(UpstreamFailure) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw Self.failure("the service-account credentials file could not be read")
        }
        try self.init(json: data)
    }

    private static func failure(_ message: String) -> UpstreamFailure {
        UpstreamFailure(kind: .upstreamAuth, message: "Vertex AI: " + message)
    }
}
