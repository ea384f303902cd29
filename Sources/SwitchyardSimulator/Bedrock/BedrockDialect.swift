import Hummingbird
import HTTPTypes

/// The Bedrock Runtime Converse protocol (providers.md §4): `POST /model/{id}/converse`
/// (JSON) and `/converse-stream` (binary event stream). Signatures are not verified.
struct BedrockDialect: WireDialect {
    /// Accepts `Authorization: Bearer <key>` (Bedrock API keys) or a SigV4 header whose
    /// access key id is `key`.
    func hasAPIKey(_ key: String, in request: Request) -> Bool {
        if SimHeader.bearer(request).map({ $0 == key }) == true { return true }
        guard let value = request.headers[.authorization] else { return false }
        return value.hasPrefix("AWS4-HMAC-SHA256") && value.contains("Credential=\(key)/")
    }

    func respond(to request: Request, body: ByteBuffer, exchange: SimulatedExchange) async throws -> Response? {
        let segments = request.uri.path.split(separator: "/")
        guard request.method == .post, segments.count >= 3, segments[segments.count - 3] == "model" else { return nil }
        let model = PercentDecoding.decode(segments[segments.count - 2])
        switch segments[segments.count - 1] {
        case "converse": return await converse(model: model, stream: false, body: body, exchange: exchange)
        case "converse-stream": return await converse(model: model, stream: true, body: body, exchange: exchange)
        default: return nil
        }
    }

    func authFailure(exchange: SimulatedExchange) -> Response {
        exchange.tracker.finish(.failed)
        return errorResponse(
            status: 403,
            name: "UnrecognizedClientException",
            message: "The security token included in the request is invalid.",
            exchange: exchange
        )
    }

    func errorResponse(status: Int, message: String, exchange: SimulatedExchange) -> Response {
        errorResponse(status: status, name: Self.exceptionName(status: status), message: message, exchange: exchange)
    }

    func errorResponse(status: Int, name: String, message: String, exchange: SimulatedExchange) -> Response {
        var headers = baseHeaders(exchange: exchange)
        headers[SimHeader.amznErrorType] = name + ":http://internal.amazon.com/coral/com.amazon.bedrock/"
        return exchange.json("{\"message\":\(JSONText.quoted(message))}", status: .init(code: status), headers: headers)
    }

    func inBandStreamError(status: Int, message: String, exchange: SimulatedExchange) -> ByteBuffer {
        let name: String
        switch status {
        case 429: name = "throttlingException"
        case 503: name = "serviceUnavailableException"
        case 400..<500: name = "validationException"
        default: name = "internalServerException"
        }
        return EventStreamFrame.exception(name, message: message)
    }

    /// The exception name of `status` (§4.6).
    static func exceptionName(status: Int) -> String {
        switch status {
        case 403: "AccessDeniedException"
        case 404: "ResourceNotFoundException"
        case 408: "ModelTimeoutException"
        case 424: "ModelErrorException"
        case 429: "ThrottlingException"
        case 503: "ServiceUnavailableException"
        case 400..<500: "ValidationException"
        default: "InternalServerException"
        }
    }

    func baseHeaders(exchange: SimulatedExchange) -> HTTPFields {
        [SimHeader.amznRequestID: "sim-" + exchange.state.nextID()]
    }
}
