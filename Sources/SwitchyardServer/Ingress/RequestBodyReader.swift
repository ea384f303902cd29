import Hummingbird
import NIOCore
import SwitchyardCore

/// Reads a request body whole, bounded by `server.max_body_bytes` (413 beyond it).
enum RequestBodyReader {
    static func read(_ request: Request, limit: Int) async throws(GatewayError) -> ByteBuffer {
        do {
            return try await request.body.collect(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw GatewayError(
                .requestTooLarge,
                message: "Request body is larger than the \(limit) bytes this gateway accepts."
            )
        } catch {
            throw GatewayError.invalidRequest("The request body could not be read.")
        }
    }
}
