import NIOCore
import SwitchyardCore

/// How requests to a Gemini-protocol endpoint are authorized: an API key header (Gemini
/// API, Vertex express mode) or an OAuth bearer token (Vertex service account).
protocol GeminiAuthorization: Sendable {
    /// The header to add. `rejected` is the value the upstream just answered 401 to, so
    /// credentials no newer than it are refreshed (once, however many requests saw it).
    func header(rejected: String?, deadline: NIODeadline) async throws(UpstreamFailure) -> (
        name: String, value: String
    )?
    /// Whether a 401 is worth one retry with refreshed credentials (§8.1 note).
    var refreshesOnUnauthorized: Bool { get }
}

/// `x-goog-api-key: <key>` (never `?key=` in the URL, so keys stay out of logs).
struct GeminiAPIKeyAuthorization: GeminiAuthorization {
    let key: Secret

    func header(rejected: String?, deadline: NIODeadline) async throws(UpstreamFailure) -> (
        name: String, value: String
    )? {
        key.isEmpty ? nil : ("x-goog-api-key", key.value)
    }

    var refreshesOnUnauthorized: Bool { false }
}

/// An authorization that always fails: the configured credentials could not be loaded.
struct FailingAuthorization: GeminiAuthorization {
    let failure: UpstreamFailure

    func header(rejected: String?, deadline: NIODeadline) async throws(UpstreamFailure) -> (
        name: String, value: String
    )? {
        throw failure
    }

    var refreshesOnUnauthorized: Bool { false }
}
