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

    /// The byte scan and the decoder on the same body: when the scan accepts, the decoder
    /// must accept too, with the same summary. Traps otherwise (a fuzz finding).
    package static func chatRequestScanAgrees(_ body: ByteBuffer) {
        guard let scanned = ChatRequestScan.summary(body) else { return }
        let decoded = try? ChatRequestValidator.decode(body)
        precondition(decoded == scanned, "the chat request scan accepted a body the decoder reads differently")
    }

    /// `/v1/embeddings` body validation.
    package static func embeddingsRequest(_ body: ByteBuffer) throws(GatewayError) -> ChatRequestSummary {
        try EmbeddingsRequestValidator.validate(body)
    }
}
