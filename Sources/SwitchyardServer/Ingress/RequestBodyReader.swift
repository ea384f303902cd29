import Hummingbird
import NIOCore
import SwitchyardCore

/// Reads a request body whole, bounded by `server.max_body_bytes` (413 beyond it) and by
/// `server.client_request_timeout_ms` (408, see `ClientRequestTimeoutHandler`).
enum RequestBodyReader {
    static func read(_ request: Request, limit: Int) async throws(GatewayError) -> ByteBuffer {
        // A declared length over the limit is refused before a byte of it is read.
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            throw tooLarge(limit)
        }
        do {
            return try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw tooLarge(limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw tooLarge(limit)
        } catch is ClientRequestTimeout {
            throw GatewayError(.requestTimeout, message: "The request body did not arrive in time.")
        } catch {
            throw GatewayError.invalidRequest("The request body could not be read.")
        }
    }

    static func tooLarge(_ limit: Int) -> GatewayError {
        GatewayError(.requestTooLarge, message: "Request body is larger than the \(limit) bytes this gateway accepts.")
    }
}
