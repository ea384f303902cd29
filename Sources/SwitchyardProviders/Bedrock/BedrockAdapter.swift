import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import SwitchyardCore

/// The adapter for AWS Bedrock Runtime (providers.md §4): chat through Converse and
/// ConverseStream, embeddings through InvokeModel (Titan, Cohere), signed with SigV4 or
/// sent with a Bedrock API key as a bearer token.
public struct BedrockAdapter: ProviderAdapter {
    public let name: String
    public let capabilities: ProviderCapabilities
    /// `scheme://host[:port]` of the base URL.
    let origin: String
    /// The base URL's path (usually empty), before `/model/...`.
    let basePath: String
    /// The `host` header, as signed.
    let host: String
    let auth: Auth
    let http: UpstreamHTTPClient
    let logger: Logger
    let maxResponseBytes: Int
    let now: @Sendable () -> Date

    /// How requests are authorised.
    enum Auth: Sendable {
        case sigV4(SigV4Signer)
        case bearer(Secret)
        /// No credentials (a local simulator).
        case none
    }

    /// The public endpoint for a region.
    public static func defaultBaseURL(region: String) -> String {
        "https://bedrock-runtime.\(region).amazonaws.com"
    }

    /// - Parameters:
    ///   - provider: its `options` give the region and AWS keys; `apiKey` is a Bedrock API
    ///     key, used when no AWS keys are configured.
    ///   - baseURL: e.g. `https://bedrock-runtime.us-east-1.amazonaws.com` (no trailing slash).
    ///   - now: the clock SigV4 signs with (tests inject a fixed one).
    public init(
        provider: ProviderConfig,
        baseURL: String,
        http: UpstreamHTTPClient,
        logger: Logger,
        maxResponseBytes: Int = 64 * 1024 * 1024,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.name = provider.name
        self.capabilities = ProviderCapabilities(embeddings: true, tools: true, vision: true)
        let trimmed = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        let components = URLComponents(string: trimmed)
        let hostName = components?.host ?? ""
        let scheme = components?.scheme?.lowercased() ?? "https"
        let defaultPort = scheme == "http" ? 80 : 443
        var host = hostName.contains(":") ? "[\(hostName)]" : hostName
        if let port = components?.port, port != defaultPort { host += ":\(port)" }
        self.host = host
        self.origin = "\(scheme)://\(host)"
        self.basePath = components?.percentEncodedPath ?? ""
        let options = provider.options
        let region = options.region.flatMap { $0.isEmpty ? nil : $0 } ?? Self.region(fromHost: hostName) ?? "us-east-1"
        if let keyID = options.awsAccessKeyID, !keyID.isEmpty, let secret = options.awsSecretAccessKey, !secret.isEmpty {
            self.auth = .sigV4(
                SigV4Signer(accessKeyID: keyID, secretAccessKey: secret, sessionToken: options.awsSessionToken, region: region)
            )
        } else if !provider.apiKey.isEmpty {
            self.auth = .bearer(provider.apiKey)
        } else {
            self.auth = .none
        }
        self.http = http
        self.logger = logger
        self.maxResponseBytes = maxResponseBytes
        self.now = now
    }

    /// `bedrock-runtime.{region}.amazonaws.com` → region.
    static func region(fromHost host: String) -> String? {
        let labels = host.split(separator: ".")
        guard labels.count >= 4, labels[0].hasPrefix("bedrock-runtime") else { return nil }
        return String(labels[1])
    }

    public func send(_ call: ChatCall) async throws(UpstreamFailure) -> UpstreamReply {
        let translated = try BedrockTranslator.request(CanonicalJSON.decodeRequest(call.body), upstreamModel: call.upstreamModel)
        let request = makeRequest(
            operation: "converse", model: call.upstreamModel, body: CanonicalJSON.encode(translated.request), accept: "application/json"
        )
        let response = try await http.execute(request, deadline: call.deadline, logger: logger)
        guard (200..<300).contains(response.status.code) else { throw await failure(from: response) }
        let body = try await collect(response)
        let wire: BedrockWire.ConverseResponse
        do {
            wire = try JSONDecoder().decode(BedrockWire.ConverseResponse.self, from: body)
        } catch {
            throw UpstreamFailure(kind: .malformedResponse, status: Int(response.status.code), message: "upstream sent a malformed response body")
        }
        let canonical = BedrockTranslator.response(
            wire,
            id: responseID(response, call: call),
            created: Int(now().timeIntervalSince1970),
            model: call.upstreamModel,
            jsonToolName: translated.jsonToolName
        )
        return UpstreamReply(body: canonical.encoded(), usage: canonical.usage?.tokenUsage)
    }

    public func stream(_ call: ChatCall) async throws(UpstreamFailure) -> ChatEventStream {
        let translated = try BedrockTranslator.request(CanonicalJSON.decodeRequest(call.body), upstreamModel: call.upstreamModel)
        let request = makeRequest(
            operation: "converse-stream",
            model: call.upstreamModel,
            body: CanonicalJSON.encode(translated.request),
            accept: "application/vnd.amazon.eventstream"
        )
        let response = try await http.execute(request, deadline: call.deadline, logger: logger)
        guard response.status == .ok else { throw await failure(from: response) }
        let translator = BedrockStreamTranslator(
            id: responseID(response, call: call),
            created: Int(now().timeIntervalSince1970),
            model: call.upstreamModel,
            jsonToolName: translated.jsonToolName
        )
        return ChatEventStream(BedrockStreamSource(body: response.body, translator: translator))
    }

    /// A POST to `{base}/model/{modelId}/{operation}`, authorised.
    func makeRequest(operation: String, model: String, body: ByteBuffer, accept: String) -> HTTPClientRequest {
        // The model id is one path segment: `:` → `%3A`, `/` (ARNs) → `%2F`.
        let path = basePath + "/model/" + SigV4Signer.uriEncode(model, keepSlash: false) + "/" + operation
        var request = HTTPClientRequest(url: origin + path)
        request.method = .POST
        request.headers.reserveCapacity(6)
        request.headers.add(name: "host", value: host)
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "accept", value: accept)
        switch auth {
        case .sigV4(let signer):
            let signed = signer.sign(
                method: "POST",
                path: path,
                headers: [(name: "content-type", value: "application/json"), (name: "host", value: host)],
                body: body.readableBytesView,
                date: now()
            )
            for header in signed { request.headers.add(name: header.name, value: header.value) }
        case .bearer(let key):
            request.headers.add(name: "authorization", value: "Bearer " + key.value)
        case .none:
            break
        }
        request.body = .bytes(body)
        return request
    }

    func collect(_ response: HTTPClientResponse) async throws(UpstreamFailure) -> ByteBuffer {
        do {
            return try await response.body.collect(upTo: maxResponseBytes)
        } catch {
            throw UpstreamTransportError.classify(error)
        }
    }

    func failure(from response: HTTPClientResponse) async -> UpstreamFailure {
        let body = (try? await response.body.collect(upTo: 1024 * 1024)) ?? ByteBuffer()
        return BedrockErrorClassifier.classify(status: Int(response.status.code), headers: response.headers, body: body)
    }

    /// `chatcmpl-` + Bedrock's request id (else the gateway's).
    private func responseID(_ response: HTTPClientResponse, call: ChatCall) -> String {
        "chatcmpl-" + (response.headers.first(name: "x-amzn-RequestId") ?? call.requestID)
    }
}
