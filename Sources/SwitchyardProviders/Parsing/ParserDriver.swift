import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import SwitchyardCore

/// Runs each parser of outside bytes the way its adapter does, with the I/O taken away:
/// a body's pieces go through the same decoders and translators, in the same order, as
/// they would after arriving from a socket. For the fuzz targets (`Fuzz/`) and the
/// regression tests of what they found. Every function here either returns or throws
/// its typed failure; none may trap on any input.
package enum ParserDriver {
    /// The clock value and model name the translators are given.
    static let created = 1_700_000_000
    static let model = "fuzz-model"

    // MARK: Streams

    /// The SSE events of a body arriving in `pieces`, then its end.
    package static func sseEvents(_ pieces: [ByteBuffer], maxEventBytes: Int = 8 * 1024 * 1024)
        throws(SSEDecoder.DecodeError) -> [SSEEvent]
    {
        var decoder = SSEDecoder(maxEventBytes: maxEventBytes)
        var events: [SSEEvent] = []
        for piece in pieces {
            try decoder.feed(piece) { events.append($0) }
        }
        if let last = decoder.finish() { events.append(last) }
        return events
    }

    /// The event-stream messages of a body arriving in `pieces`, decoded as soon as each
    /// piece lands; throws `serverError` when the body ends inside a message.
    package static func eventStreamMessages(_ pieces: [ByteBuffer]) throws(UpstreamFailure) -> [EventStreamMessage] {
        var decoder = EventStreamDecoder()
        var messages: [EventStreamMessage] = []
        for piece in pieces {
            decoder.feed(piece)
            while let message = try decoder.next() { messages.append(message) }
        }
        if decoder.hasPendingBytes {
            throw UpstreamFailure(kind: .serverError, message: "upstream stream ended inside a message")
        }
        return messages
    }

    /// An OpenAI-style stream (OpenAI and every compatible preset), classified event by
    /// event as `OpenAIStreamSource` does.
    package static func openAIStream(_ pieces: [ByteBuffer]) throws(UpstreamFailure) -> [ChatStreamEvent] {
        var out: [ChatStreamEvent] = []
        var sentUsage = false
        var inline: OpenAIWire.InlineUsage?
        for event in try sse(pieces) {
            if event.isDone { break }
            let data = event.data
            if data.readableBytes == 0 { continue }
            if data.startsAfterWhitespace(with: #"{"error""#) { throw OpenAIErrorClassifier.streamError(data) }
            let wellFormed = data.withUnsafeReadableBytes { JSONTopLevelScanner.scan($0, keys: []) != nil }
            guard wellFormed else { throw UpstreamFailure(kind: .malformedResponse, message: "malformed chunk") }
            if data.containsBytes(#""choices":[]"#), let usage = OpenAIWire.usage(in: data) {
                sentUsage = true
                out.append(.usage(usage, data))
                continue
            }
            if !sentUsage, let found = OpenAIWire.inlineUsage(in: data) { inline = found }
            out.append(.chunk(data))
        }
        if !sentUsage, let inline { out.append(inline.chunk().event()) }
        return out
    }

    /// An Anthropic Messages stream through `AnthropicStreamTranslator`.
    package static func anthropicStream(_ pieces: [ByteBuffer], jsonToolName: String? = nil) throws(UpstreamFailure)
        -> [ChatStreamEvent]
    {
        try translate(
            pieces,
            AnthropicStreamTranslator(created: created, fallbackModel: model, jsonToolName: jsonToolName)
        )
    }

    /// A Cohere v2 chat stream through `CohereStreamTranslator`.
    package static func cohereStream(_ pieces: [ByteBuffer]) throws(UpstreamFailure) -> [ChatStreamEvent] {
        try translate(pieces, CohereStreamTranslator(created: created, model: model))
    }

    /// A Gemini `alt=sse` stream, event by event as `GeminiStreamSource` does.
    package static func geminiStream(_ pieces: [ByteBuffer]) throws(UpstreamFailure) -> [CanonicalChatChunk] {
        var translator = GeminiStreamTranslator(model: model, created: created, makeToolCallID: { "call_fuzz" })
        var out: [CanonicalChatChunk] = []
        for event in try sse(pieces) where event.data.readableBytes > 0 {
            let data = event.data
            if data.startsAfterWhitespace(with: #"{"error""#) { throw GeminiErrorClassifier.streamError(data) }
            let response: GeminiWire.Response
            do {
                response = try JSONDecoder().decode(GeminiWire.Response.self, from: data)
            } catch {
                throw UpstreamFailure(kind: .malformedResponse, message: "malformed chunk")
            }
            if response.error != nil { throw GeminiErrorClassifier.streamError(data) }
            out += try translator.consume(response)
            _ = translator.drainSignatures()
        }
        out += try translator.finish()
        return out
    }

    /// A Bedrock ConverseStream body through `EventStreamDecoder` and `BedrockStreamTranslator`.
    package static func bedrockStream(_ pieces: [ByteBuffer], jsonToolName: String? = nil) throws(UpstreamFailure)
        -> [ChatStreamEvent]
    {
        var translator = BedrockStreamTranslator(id: "fuzz", created: created, model: model, jsonToolName: jsonToolName)
        var out: [ChatStreamEvent] = []
        for message in try eventStreamMessages(pieces) {
            out += try translator.consume(message)
        }
        try translator.end()
        return out
    }

    // MARK: Whole answers

    /// The usage scan and the decoder on the same bytes (a `usage` object): when the scan
    /// accepts, the decoder must read the same counts. Traps otherwise (a fuzz finding).
    package static func usageScanAgrees(_ usage: ByteBuffer) {
        guard let scanned = usage.withUnsafeReadableBytes({ OpenAIWire.scanUsage($0) }) else { return }
        precondition(OpenAIWire.decodeUsage(usage) == scanned.tokenUsage, "the usage scan read counts the decoder reads differently")
    }

    /// The one-walk check of a whole answer and the two walks it replaces (the plain
    /// check, then `usage(in:)`) on the same bytes must agree. Traps otherwise (a fuzz finding).
    package static func wholeAnswerCheckAgrees(_ body: ByteBuffer) {
        let checked = OpenAIWire.check(wholeAnswer: body)
        let wellFormed = body.withUnsafeReadableBytes { JSONTopLevelScanner.scan($0, keys: []) != nil }
        precondition(checked.wellFormed == wellFormed, "the one-walk check of an answer judges its shape differently")
        precondition(!wellFormed || checked.usage == OpenAIWire.usage(in: body), "the one-walk check of an answer reads its usage differently")
    }

    /// The scan for one or two keys and the dictionary scan on the same bytes must find
    /// the same members, and decline the same bodies. Traps otherwise (a fuzz finding).
    package static func keyScansAgree(_ body: ByteBuffer) {
        body.withUnsafeReadableBytes { raw in
            let pair = JSONTopLevelScanner.scan(raw, "model", "stream_options")
            let dictionary = JSONTopLevelScanner.scan(raw, keys: ["model", "stream_options"])
            precondition(
                pair?.first == dictionary?["model"] && pair?.second == dictionary?["stream_options"] && (pair == nil) == (dictionary == nil),
                "the two-key scan reads the members differently")
            let single = JSONTopLevelScanner.scan(raw, "usage")
            let singleDictionary = JSONTopLevelScanner.scan(raw, keys: ["usage"])
            precondition(
                single?.first == singleDictionary?["usage"] && single?.second == nil && (single == nil) == (singleDictionary == nil),
                "the one-key scan reads the member differently")
        }
    }

    /// Usage read from an OpenAI-style answer body.
    package static func openAIResponse(_ body: ByteBuffer) -> TokenUsage? {
        OpenAIWire.usage(in: body)
    }

    /// An Anthropic Messages answer, decoded and translated to the canonical body.
    package static func anthropicResponse(_ body: ByteBuffer, jsonToolName: String? = nil) throws(UpstreamFailure)
        -> ByteBuffer
    {
        let wire = try decode(AnthropicWire.Response.self, body)
        return AnthropicTranslator.response(wire, created: created, fallbackModel: model, jsonToolName: jsonToolName)
            .encoded()
    }

    /// A Gemini `generateContent` answer, decoded and translated to the canonical body.
    package static func geminiResponse(_ body: ByteBuffer) throws(UpstreamFailure) -> ByteBuffer {
        let wire = try decode(GeminiWire.Response.self, body)
        return try GeminiTranslator.response(wire, model: model, created: created, makeToolCallID: { "call_fuzz" })
            .response.encoded()
    }

    /// A Bedrock Converse answer, decoded and translated to the canonical body.
    package static func bedrockResponse(_ body: ByteBuffer, jsonToolName: String? = nil) throws(UpstreamFailure)
        -> ByteBuffer
    {
        let wire = try decode(BedrockWire.ConverseResponse.self, body)
        return BedrockTranslator.response(wire, id: "fuzz", created: created, model: model, jsonToolName: jsonToolName)
            .encoded()
    }

    /// A Cohere v2 chat answer, decoded and translated to the canonical body.
    package static func cohereResponse(_ body: ByteBuffer) throws(UpstreamFailure) -> ByteBuffer {
        let wire = try decode(CohereWire.Response.self, body)
        return CohereTranslator.response(wire, created: created, model: model).encoded()
    }

    // MARK: Errors

    /// Every error classifier's reading of one error answer (`retryAfter` is the raw
    /// `retry-after` header value, when there is one).
    package static func classifyErrors(status: Int, retryAfter: String?, body: ByteBuffer) -> [UpstreamFailure] {
        var headers = HTTPHeaders()
        if let retryAfter {
            headers.add(name: "retry-after", value: retryAfter)
            headers.add(name: "retry-after-ms", value: retryAfter)
            headers.add(name: "x-amzn-ErrorType", value: retryAfter)
        }
        return [
            OpenAIErrorClassifier.classify(status: status, headers: headers, body: body),
            OpenAIErrorClassifier.streamError(body),
            AnthropicErrorClassifier.classify(status: status, headers: headers, body: body),
            GeminiErrorClassifier.classify(status: status, body: body),
            GeminiErrorClassifier.streamError(body),
            BedrockErrorClassifier.classify(status: status, headers: headers, body: body),
            CohereErrorClassifier.classify(status: status, headers: headers, body: body),
            AzureErrorClassifier.classify(status: status, headers: headers, body: body),
            VertexTokenFetcher.classify(status: status, body: body),
        ]
    }

    // MARK: Embeddings

    /// Every adapter's decoding of an upstream embeddings answer (and of the client's
    /// embeddings request, which each adapter re-reads its own way).
    package static func embeddings(_ body: ByteBuffer) -> Int {
        var decoded = 0
        if let request = try? GeminiEmbeddings.decode(Data(buffer: body)) {
            _ = GeminiEmbeddings.batchRequest(request, model: model)
            _ = GeminiEmbeddings.predictRequest(request)
            decoded += 1
        }
        if let request = try? BedrockEmbeddings.decodeRequest(body) {
            _ = BedrockEmbeddings.cohereBody(request.input)
            decoded += 1
        }
        if let request = try? JSONDecoder().decode(CohereEmbeddings.OpenAIRequest.self, from: body) {
            _ = CohereEmbeddings.request(request, model: model)
            decoded += 1
        }
        if let batch = try? JSONDecoder().decode(GeminiEmbeddings.BatchResponse.self, from: body) {
            _ = GeminiEmbeddings.openAIResponse(
                vectors: batch.embeddings.map(\.values), model: model, base64: true, promptTokens: 1
            )
            decoded += 1
        }
        if (try? JSONDecoder().decode(GeminiEmbeddings.PredictResponse.self, from: body)) != nil { decoded += 1 }
        if let titan = try? BedrockEmbeddings.decode(BedrockEmbeddings.TitanResponse.self, body) {
            _ = BedrockEmbeddings.openAIResponse(
                [titan.embedding], model: model, promptTokens: titan.inputTextTokenCount ?? 0, base64: true
            )
            decoded += 1
        }
        if let cohere = try? BedrockEmbeddings.decode(BedrockEmbeddings.CohereResponse.self, body) {
            _ = BedrockEmbeddings.openAIResponse(cohere.embeddings, model: model, promptTokens: 0, base64: true)
            decoded += 1
        }
        if let cohere = try? JSONDecoder().decode(CohereEmbeddings.Response.self, from: body) {
            _ = CanonicalJSON.encode(CohereEmbeddings.response(cohere, model: model, base64: true))
            decoded += 1
        }
        return decoded
    }

    // MARK: Client requests

    /// A client's OpenAI-form chat body, decoded to the canonical request and translated
    /// for every non-OpenAI protocol; returns how many translations succeeded.
    package static func translateRequest(_ body: ByteBuffer) throws(UpstreamFailure) -> Int {
        let canonical = try CanonicalJSON.decodeRequest(body)
        var translated = 0
        if let anthropic = try? AnthropicTranslator.request(
            canonical, upstreamModel: "claude-sonnet-4-5", stream: true, defaultMaxTokens: 4096
        ) {
            _ = CanonicalJSON.encode(anthropic.request)
            translated += 1
        }
        if let gemini = try? GeminiTranslator.request(canonical, thoughtSignature: { _, _ in "sig" }) {
            _ = CanonicalJSON.encode(gemini)
            translated += 1
        }
        if let bedrock = try? BedrockTranslator.request(canonical, upstreamModel: "anthropic.claude-3-haiku") {
            _ = CanonicalJSON.encode(bedrock.request)
            translated += 1
        }
        if let cohere = try? CohereTranslator.request(canonical, upstreamModel: "command-r", stream: true) {
            _ = CanonicalJSON.encode(cohere)
            translated += 1
        }
        return translated
    }

    // MARK: Helpers

    static func sse(_ pieces: [ByteBuffer]) throws(UpstreamFailure) -> [SSEEvent] {
        do {
            return try sseEvents(pieces)
        } catch {
            throw UpstreamFailure(kind: .malformedResponse, message: "oversized stream event")
        }
    }

    /// `SSETranslatingSource`'s loop without the socket.
    static func translate<Translator: SSEChunkTranslator>(_ pieces: [ByteBuffer], _ start: Translator)
        throws(UpstreamFailure) -> [ChatStreamEvent]
    {
        var translator = start
        var out: [ChatStreamEvent] = []
        for event in try sse(pieces) where event.data.readableBytes > 0 && !translator.isFinished {
            out += try translator.consume(event.data)
        }
        if !translator.isFinished { out += try translator.end() }
        return out
    }

    static func decode<T: Decodable>(_ type: T.Type, _ body: ByteBuffer) throws(UpstreamFailure) -> T {
        do {
            return try JSONDecoder().decode(type, from: body)
        } catch {
            throw UpstreamFailure(kind: .malformedResponse, message: "malformed body")
        }
    }
}
