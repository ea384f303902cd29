import NIOCore
import SwitchyardCore

/// The server's parsers of client bytes, reachable from the fuzz targets (`Fuzz/`) and the
/// regression tests of what they found: each returns its result or its typed 400, and
/// none may trap on any input.
package enum IngressParserDriver {
    /// `/v1/chat/completions` body validation.
    package static func chatRequest(_ body: ByteBuffer) throws(GatewayError) -> ChatRequestSummary {
        try ChatRequestValidator.validate(body)
    }

    /// `/v1/embeddings` body validation.
    package static func embeddingsRequest(_ body: ByteBuffer) throws(GatewayError) -> ChatRequestSummary {
        try EmbeddingsRequestValidator.validate(body)
    }
}
