import Foundation
import NIOCore
import NIOFoundationCompat
import SwitchyardCore
import SwitchyardProviders
import SwitchyardServer

/// Every fuzz target: one parser of outside bytes (or one family of them) each.
enum FuzzTarget: String, CaseIterable {
    case chatRequest = "chat-request"
    case anthropicIngress = "anthropic-ingress"
    case openAIBody = "openai-body"
    case canonicalRequest = "canonical-request"
    case sse
    case eventStream = "eventstream"
    case openAIResponse = "openai-response"
    case anthropicResponse = "anthropic-response"
    case geminiResponse = "gemini-response"
    case bedrockResponse = "bedrock-response"
    case cohereResponse = "cohere-response"
    case errorBodies = "error-bodies"
    case embeddings
    case config

    func run(_ input: FuzzInput) {
        switch self {
        case .chatRequest:
            _ = try? IngressParserDriver.chatRequest(input.buffer)
            IngressParserDriver.chatRequestScanAgrees(input.buffer)
            _ = try? IngressParserDriver.embeddingsRequest(input.buffer)
        case .anthropicIngress: Self.fuzzAnthropicIngress(input)
        case .openAIBody: Self.fuzzOpenAIBody(input)
        case .canonicalRequest: _ = try? ParserDriver.translateRequest(input.buffer)
        case .sse: Self.fuzzSSE(input)
        case .eventStream: Self.fuzzEventStream(input)
        case .openAIResponse:
            _ = ParserDriver.openAIResponse(input.buffer)
            ParserDriver.usageScanAgrees(input.buffer)
            ParserDriver.wholeAnswerCheckAgrees(input.buffer)
            ParserDriver.keyScansAgree(input.buffer)
            _ = try? ParserDriver.openAIStream(input.pieces)
        case .anthropicResponse:
            let tool = input.choice(2) == 0 ? nil : "json_tool_call"
            _ = try? ParserDriver.anthropicResponse(input.buffer, jsonToolName: tool)
            _ = try? ParserDriver.anthropicStream(input.pieces, jsonToolName: tool)
        case .geminiResponse:
            _ = try? ParserDriver.geminiResponse(input.buffer)
            _ = try? ParserDriver.geminiStream(input.pieces)
        case .bedrockResponse: Self.fuzzBedrock(input)
        case .cohereResponse:
            _ = try? ParserDriver.cohereResponse(input.buffer)
            _ = try? ParserDriver.cohereStream(input.pieces)
        case .errorBodies: Self.fuzzErrorBodies(input)
        case .embeddings: _ = ParserDriver.embeddings(input.buffer)
        case .config:
            _ = try? ConfigLoader.parse(yaml: input.string, environment: Self.environment)
        }
    }

    /// What `${NAME}` references in the seed configurations resolve to (a few stay unset).
    static let environment = [
        "SWITCHYARD_API_KEY": "client-key", "SWITCHYARD_PORT": "8080", "SWITCHYARD_HOST": "127.0.0.1",
        "OPENAI_API_KEY": "sk-fuzz", "ANTHROPIC_API_KEY": "sk-ant-fuzz", "GEMINI_API_KEY": "g-fuzz",
        "AZURE_KEY": "az-key", "GROQ_API_KEY": "gq", "MISTRAL_API_KEY": "", "OLLAMA_BASE_URL": "http://127.0.0.1:11434/v1",
    ]

    static func fuzzAnthropicIngress(_ input: FuzzInput) {
        _ = try? AnthropicIngressTranslator.request(input.buffer)
        _ = try? AnthropicIngressTranslator.response(input.buffer, model: "claude-fuzz")
        var encoder = AnthropicStreamEncoder(messageID: "msg_fuzz", model: "claude-fuzz")
        for piece in input.pieces {
            _ = encoder.encode(chunkPayload: piece)
        }
        _ = encoder.encode(chunkPayload: input.buffer)
        _ = encoder.finish()
    }

    /// The pass-through rewriters: any body they accept that is valid JSON must come out
    /// valid JSON, with `model` set to the upstream model.
    static func fuzzOpenAIBody(_ input: FuzzInput) {
        let body = input.buffer
        _ = body.withUnsafeReadableBytes { raw in
            (JSONTopLevelScanner.scan(raw, keys: ["model", "stream", "stream_options"]),
             JSONTopLevelScanner.members(raw), JSONTopLevelScanner.elements(raw))
        }
        ParserDriver.keyScansAgree(body)
        let isObject = (try? JSONSerialization.jsonObject(with: Data(buffer: body), options: [.fragmentsAllowed])) is [String: Any]
        let forceUsage = input.choice(2) == 0
        if let out = OpenAIBodyRewriter.rewrite(body, upstreamModel: "up/model-1", forceUsage: forceUsage), isObject {
            let object = try? JSONSerialization.jsonObject(with: Data(buffer: out)) as? [String: Any]
            require(object != nil, "OpenAIBodyRewriter made invalid JSON from a valid object")
            require(object?["model"] as? String == "up/model-1", "OpenAIBodyRewriter did not set model")
        }
        let wire = presetWires[input.choice(presetWires.count, salt: 7)]
        let preset = OpenAICompatiblePreset.preset(for: wire)
        if let out = PresetBodyRewriter.rewrite(body, upstreamModel: "up/model-1", forceUsage: forceUsage, preset: preset),
            isObject
        {
            let object = try? JSONSerialization.jsonObject(with: Data(buffer: out)) as? [String: Any]
            require(object != nil, "PresetBodyRewriter(\(wire)) made invalid JSON from a valid object")
        }
    }

    static let presetWires = ProviderProtocol.allCases.filter(\.isOpenAICompatible)

    /// The SSE decoder must find the same events whatever the split of the bytes.
    static func fuzzSSE(_ input: FuzzInput) {
        let limit = input.choice(2) == 0 ? 8 * 1024 * 1024 : 64
        let whole = try? ParserDriver.sseEvents([input.buffer], maxEventBytes: limit)
        let split = try? ParserDriver.sseEvents(input.pieces, maxEventBytes: limit)
        if let whole, let split {
            require(whole == split, "SSE events differ between whole and split input")
        } else if limit > 1024 {
            require(whole == nil && split == nil, "SSE decoding failed for one split only")
        }
    }

    /// Event-stream decoding must not depend on the split, and what it decodes must
    /// encode back to a message that decodes equal. The first byte asks for the CRCs to
    /// be repaired first, so the fuzzer gets past them to the header parser.
    static func fuzzEventStream(_ input: FuzzInput) {
        var bytes = Array(input.buffer.readableBytesView)
        if let first = bytes.first, first & 1 == 1 {
            bytes.removeFirst()
            repairChecksums(&bytes)
        }
        let buffer = ByteBuffer(bytes: bytes)
        let whole = try? ParserDriver.eventStreamMessages([buffer])
        let split = try? ParserDriver.eventStreamMessages(FuzzInput(bytesOf: bytes).pieces)
        require((whole == nil) == (split == nil), "event stream decoding failed for one split only")
        if let whole, let split { require(whole == split, "event stream messages differ between splits") }
        for message in whole ?? [] {
            let again = try? ParserDriver.eventStreamMessages([EventStreamEncoder.encode(message)])
            require(again == [message], "an event stream message did not survive encode and decode")
        }
    }

    /// Rewrites each frame's prelude and message CRC so that they match.
    static func repairChecksums(_ bytes: inout [UInt8]) {
        var offset = 0
        while bytes.count - offset >= 12 {
            let total = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            let preludeCRC = CRC32.checksum(bytes[offset..<offset + 8])
            for k in 0..<4 { bytes[offset + 8 + k] = UInt8(truncatingIfNeeded: preludeCRC >> (24 - 8 * k)) }
            guard total >= 16, total <= bytes.count - offset else { return }
            let messageCRC = CRC32.checksum(bytes[offset..<offset + total - 4])
            for k in 0..<4 { bytes[offset + total - 4 + k] = UInt8(truncatingIfNeeded: messageCRC >> (24 - 8 * k)) }
            offset += total
        }
    }

    /// Bedrock: the body as a Converse answer, and as a ConverseStream whose frames are
    /// written from the input read as SSE (`event:` name → `:event-type`, `data:` →
    /// payload; a name starting `!` is an exception, `?` an error), so the fuzzer works
    /// on the JSON inside well-formed frames.
    static func fuzzBedrock(_ input: FuzzInput) {
        let tool = input.choice(2) == 0 ? nil : "json_tool_call"
        _ = try? ParserDriver.bedrockResponse(input.buffer, jsonToolName: tool)
        guard let events = try? ParserDriver.sseEvents(input.pieces) else { return }
        var body = ByteBuffer()
        for event in events {
            let name = event.name ?? "contentBlockDelta"
            var headers: [EventStreamHeader]
            if name.hasPrefix("!") {
                headers = [.string(":message-type", "exception"), .string(":exception-type", String(name.dropFirst()))]
            } else if name.hasPrefix("?") {
                headers = [
                    .string(":message-type", "error"), .string(":error-code", String(name.dropFirst())),
                    .string(":error-message", String(buffer: event.data)),
                ]
            } else {
                headers = [.string(":message-type", "event"), .string(":event-type", name)]
            }
            headers.append(.string(":content-type", "application/json"))
            EventStreamEncoder.encode(EventStreamMessage(headers: headers, payload: event.data), into: &body)
        }
        _ = try? ParserDriver.bedrockStream(FuzzInput(bytesOf: Array(body.readableBytesView)).pieces, jsonToolName: tool)
    }

    static let statuses = [400, 401, 403, 404, 408, 409, 413, 422, 429, 499, 500, 502, 503, 504, 529]

    /// Error answers: an optional first line is the `retry-after` (and error type) header.
    static func fuzzErrorBodies(_ input: FuzzInput) {
        var body = input.buffer
        var header: String?
        if let newline = body.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
            let length = newline - body.readerIndex
            header = body.readString(length: length)
            body.moveReaderIndex(forwardBy: 1)
        }
        let status = statuses[input.choice(statuses.count)]
        _ = ParserDriver.classifyErrors(status: status, retryAfter: header, body: body)
    }
}

extension FuzzInput {
    init(bytesOf bytes: [UInt8]) {
        self = bytes.withUnsafeBytes { FuzzInput($0) }
    }
}
