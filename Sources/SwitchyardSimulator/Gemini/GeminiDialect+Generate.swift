import Hummingbird
import HTTPTypes

extension GeminiDialect {
    /// `:generateContent` (§3.3) and `:streamGenerateContent` (§3.4).
    func generate(model: String, stream: Bool, sse: Bool, body: ByteBuffer, exchange: SimulatedExchange) async -> Response {
        let request: GeminiGenerateRequest
        switch RequestDecoding.decode(GeminiGenerateRequest.self, from: body) {
        case .success(let decoded): request = decoded
        case .failure(let failure): return exchange.fail(dialect: self, status: 400, message: failure.message)
        }
        guard !request.contents.isEmpty else {
            return exchange.fail(dialect: self, status: 400, message: "* GenerateContentRequest.contents: contents is not specified")
        }
        let plan = ChatPlan(
            model: model,
            stream: stream,
            bodyBytes: body.readableBytes,
            maxTokens: request.generationConfig?.maxOutputTokens,
            toolName: request.toolToCall,
            options: exchange.options
        )
        let template = GeminiTemplate(responseID: "sim" + exchange.state.nextID(), model: JSONText.escape(model))
        let script = exchange.state.script
        let malformed = exchange.options.malformed
        return await exchange.answer(
            dialect: self,
            plan: plan,
            headers: [:],
            streamContentType: sse ? "text/event-stream" : "application/json",
            whole: {
                if malformed {
                    return exchange.json("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hel")
                }
                return exchange.json(template.whole(plan: plan, script: script))
            },
            produce: { sink in
                var framing = GeminiFraming(sse: sse)
                try await template.stream(plan: plan, script: script, malformed: malformed, framing: &framing, into: &sink)
            }
        )
    }

    static func finishReason(_ ending: ReplyEnding) -> String {
        ending == .length ? "MAX_TOKENS" : "STOP"
    }
}

/// How stream chunks are framed: SSE events, or the elements of one JSON array.
struct GeminiFraming {
    let sse: Bool
    private var first = true

    init(sse: Bool) {
        self.sse = sse
    }

    mutating func frame(_ json: String) -> ByteBuffer {
        defer { first = false }
        if sse { return ByteBuffer(string: "data: " + json + "\r\n\r\n") }
        return ByteBuffer(string: (first ? "[" : ",\r\n") + json)
    }

    /// What closes the stream: nothing for SSE, `]` for the array.
    func closing() -> ByteBuffer? {
        sse ? nil : ByteBuffer(string: first ? "[]" : "]")
    }
}

/// The per-request constant parts of Gemini answers.
struct GeminiTemplate: Sendable {
    let responseID: String
    /// Already JSON-escaped.
    let model: String

    static let signature = "c2ltdWxhdGVkX3Rob3VnaHRfc2lnbmF0dXJl"

    func usage(prompt: Int, candidates: Int?) -> String {
        let total = prompt + (candidates ?? 0)
        let candidatesField = candidates.map { "\"candidatesTokenCount\":\($0)," } ?? ""
        return "{\"promptTokenCount\":\(prompt),\(candidatesField)\"totalTokenCount\":\(total),"
            + "\"promptTokensDetails\":[{\"modality\":\"TEXT\",\"tokenCount\":\(prompt)}]}"
    }

    func response(parts: String, finishReason: String?, usage: String) -> String {
        let finish = finishReason.map { "\"finishReason\":\"\($0)\"," } ?? ""
        return "{\"candidates\":[{\"content\":{\"parts\":[\(parts)],\"role\":\"model\"},\(finish)\"index\":0}],"
            + "\"usageMetadata\":\(usage),\"modelVersion\":\"\(model)\",\"responseId\":\"\(responseID)\"}"
    }

    func functionCallPart(_ name: String) -> String {
        "{\"functionCall\":{\"name\":\(JSONText.quoted(name)),\"args\":\(ReplyScript.toolArguments)},"
            + "\"thoughtSignature\":\"\(Self.signature)\"}"
    }

    func whole(plan: ChatPlan, script: ReplyScript) -> String {
        let parts = plan.toolName.map(functionCallPart) ?? "{\"text\":\"\(script.text(tokens: plan.contentTokens))\"}"
        return response(
            parts: parts,
            finishReason: GeminiDialect.finishReason(plan.ending),
            usage: usage(prompt: plan.promptTokens, candidates: plan.completionTokens)
        )
    }

    func stream(
        plan: ChatPlan,
        script: ReplyScript,
        malformed: Bool,
        framing: inout GeminiFraming,
        into sink: inout StreamSink
    ) async throws {
        if malformed {
            try await sink.event(framing.frame("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hel"))
        }
        if let toolName = plan.toolName {
            try sink.ending()
            let json = response(
                parts: functionCallPart(toolName),
                finishReason: "STOP",
                usage: usage(prompt: plan.promptTokens, candidates: plan.completionTokens)
            )
            try await sink.paced(framing.frame(json))
        } else {
            for i in 0..<plan.contentTokens {
                let json = response(
                    parts: "{\"text\":\"\(script.token(i))\"}",
                    finishReason: nil,
                    usage: usage(prompt: plan.promptTokens, candidates: i == 0 ? nil : i + 1)
                )
                try await sink.paced(framing.frame(json))
            }
            try sink.ending()
            let json = response(
                parts: "{\"text\":\"\"}",
                finishReason: GeminiDialect.finishReason(plan.ending),
                usage: usage(prompt: plan.promptTokens, candidates: plan.completionTokens)
            )
            try await sink.event(framing.frame(json))
        }
        if let closing = framing.closing() {
            try await sink.event(closing)
        }
    }
}
