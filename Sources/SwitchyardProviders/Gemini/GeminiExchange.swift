import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import SwitchyardCore

/// The I/O shared by the Gemini API and Vertex AI adapters: translate, POST with the
/// endpoint's authorization (refreshing once on 401 where that helps), classify failures,
/// translate answers and streams back.
struct GeminiExchange: Sendable {
    let http: UpstreamHTTPClient
    let authorization: any GeminiAuthorization
    let signatures: GeminiSignatureCache
    let logger: Logger
    /// Largest upstream answer read whole (non-streaming).
    var maxResponseBytes = 64 * 1024 * 1024

    /// A whole chat answer from `url` (a `:generateContent` endpoint).
    func send(_ call: ChatCall, url: String) async throws(UpstreamFailure) -> UpstreamReply {
        let body = try requestBody(call)
        let response = try await post(url: url, body: body, deadline: call.deadline, stream: false)
        let bytes = try await collect(response)
        let wire: GeminiWire.Response
        do {
            wire = try JSONDecoder().decode(GeminiWire.Response.self, from: bytes)
        } catch {
            throw UpstreamFailure(
                kind: .malformedResponse,
                status: 200,
                message: "upstream sent a malformed response body"
            )
        }
        let translated = try GeminiTranslator.response(wire, model: call.upstreamModel, created: Self.now())
        signatures.store(translated.signatures)
        return UpstreamReply(body: translated.response.encoded(), usage: translated.response.usage?.tokenUsage)
    }

    /// A chat stream from `url` (a `:streamGenerateContent?alt=sse` endpoint).
    func stream(_ call: ChatCall, url: String) async throws(UpstreamFailure) -> ChatEventStream {
        let body = try requestBody(call)
        let response = try await post(url: url, body: body, deadline: call.deadline, stream: true)
        let translator = GeminiStreamTranslator(model: call.upstreamModel, created: Self.now())
        return ChatEventStream(GeminiStreamSource(body: response.body, translator: translator, signatures: signatures))
    }

    /// POSTs JSON `body`; returns the response once it is 2xx, else throws it classified.
    /// A 401 is retried once with refreshed credentials when the authorization can refresh.
    func post(url: String, body: ByteBuffer, deadline: NIODeadline, stream: Bool) async throws(UpstreamFailure)
        -> HTTPClientResponse
    {
        var rejected: String?
        while true {
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "content-type", value: "application/json")
            request.headers.add(name: "accept", value: stream ? "text/event-stream" : "application/json")
            let header = try await authorization.header(rejected: rejected, deadline: deadline)
            if let header { request.headers.add(name: header.name, value: header.value) }
            request.body = .bytes(body)
            let response = try await http.execute(request, deadline: deadline, logger: logger)
            if (200..<300).contains(response.status.code) { return response }
            let errorBody = (try? await response.body.collect(upTo: 1024 * 1024)) ?? ByteBuffer()
            if response.status == .unauthorized, rejected == nil, let header, authorization.refreshesOnUnauthorized {
                logger.debug("upstream answered 401; refreshing credentials and retrying once")
                rejected = header.value
                continue
            }
            throw GeminiErrorClassifier.classify(status: Int(response.status.code), body: errorBody)
        }
    }

    /// Reads a whole 2xx body.
    func collect(_ response: HTTPClientResponse) async throws(UpstreamFailure) -> ByteBuffer {
        do {
            return try await response.body.collect(upTo: maxResponseBytes)
        } catch {
            throw UpstreamTransportError.classify(error)
        }
    }

    /// The Gemini JSON body for the client's canonical request.
    private func requestBody(_ call: ChatCall) throws(UpstreamFailure) -> ByteBuffer {
        let canonical = try CanonicalJSON.decodeRequest(call.body)
        let wire = try GeminiTranslator.request(
            canonical,
            thoughtSignature: signatures.lookup(model: call.upstreamModel)
        )
        return Self.encode(wire)
    }

    /// Compact JSON bytes for a wire value.
    static func encode(_ value: some Encodable) -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return ByteBuffer(string: "{}") }
        return ByteBuffer(data: data)
    }

    /// Whether `model` is safe to place in a URL path segment.
    static func validatedModel(_ model: String) throws(UpstreamFailure) -> String {
        let bare = model.hasPrefix("models/") ? String(model.dropFirst("models/".count)) : model
        let allowed = bare.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "@")
        }
        guard allowed, !bare.isEmpty else {
            throw UpstreamFailure(
                kind: .invalidRequest,
                status: 400,
                message: "The model id '\(bare)' is not valid for this provider."
            )
        }
        return bare
    }

    static func now() -> Int { Int(Date().timeIntervalSince1970) }
}
