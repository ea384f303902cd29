import Hummingbird
import HTTPTypes

extension BedrockDialect {
    /// Converse (§4.2) and ConverseStream (§4.3).
    func converse(model: String, stream: Bool, body: ByteBuffer, exchange: SimulatedExchange) async -> Response {
        let request: BedrockConverseRequest
        switch RequestDecoding.decode(BedrockConverseRequest.self, from: body) {
        case .success(let decoded): request = decoded
        case .failure(let failure): return exchange.fail(dialect: self, status: 400, message: failure.message)
        }
        guard !request.messages.isEmpty else {
            return exchange.fail(dialect: self, status: 400, message: "A conversation must start with a user message.")
        }
        let plan = ChatPlan(
            model: model,
            stream: stream,
            bodyBytes: body.readableBytes,
            maxTokens: request.inferenceConfig?.maxTokens,
            toolName: request.toolToCall,
            options: exchange.options
        )
        let template = BedrockTemplate(
            toolUseID: "tooluse_sim" + exchange.state.nextID(),
            latencyMs: Int(exchange.timing.wholeAnswer(chunks: plan.pacedChunks).components.seconds * 1000)
                + Int(exchange.timing.wholeAnswer(chunks: plan.pacedChunks).components.attoseconds / 1_000_000_000_000_000)
        )
        let script = exchange.state.script
        let malformed = exchange.options.malformed
        let headers = baseHeaders(exchange: exchange)
        return await exchange.answer(
            dialect: self,
            plan: plan,
            headers: headers,
            streamContentType: "application/vnd.amazon.eventstream",
            whole: {
                if malformed {
                    return exchange.json("{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[{\"text\":\"Hel", headers: headers)
                }
                return exchange.json(template.whole(plan: plan, script: script), headers: headers)
            },
            produce: { sink in
                try await template.stream(plan: plan, script: script, malformed: malformed, into: &sink)
            }
        )
    }

    static func stopReason(_ ending: ReplyEnding) -> String {
        switch ending {
        case .stop: "end_turn"
        case .length: "max_tokens"
        case .toolCall: "tool_use"
        }
    }
}

/// The per-request constant parts of Bedrock answers.
struct BedrockTemplate: Sendable {
    let toolUseID: String
    let latencyMs: Int

    static let padding = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")

    /// The `"p"` padding field real ConverseStream payloads carry, of varying length.
    static func pad(_ i: Int) -> String {
        ",\"p\":\"" + String(padding[0..<(1 + (i &* 7) % 40)]) + "\"}"
    }

    func usage(_ plan: ChatPlan) -> String {
        "{\"inputTokens\":\(plan.promptTokens),\"outputTokens\":\(plan.completionTokens),"
            + "\"totalTokens\":\(plan.promptTokens + plan.completionTokens),"
            + "\"cacheReadInputTokens\":0,\"cacheWriteInputTokens\":0}"
    }

    func whole(plan: ChatPlan, script: ReplyScript) -> String {
        let content: String
        if let toolName = plan.toolName {
            content = "{\"toolUse\":{\"toolUseId\":\"\(toolUseID)\",\"name\":\(JSONText.quoted(toolName)),"
                + "\"input\":\(ReplyScript.toolArguments)}}"
        } else {
            content = "{\"text\":\"\(script.text(tokens: plan.contentTokens))\"}"
        }
        return "{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[\(content)]}},"
            + "\"stopReason\":\"\(BedrockDialect.stopReason(plan.ending))\",\"usage\":\(usage(plan)),"
            + "\"metrics\":{\"latencyMs\":\(latencyMs)}}"
    }

    func stream(plan: ChatPlan, script: ReplyScript, malformed: Bool, into sink: inout StreamSink) async throws {
        var n = 0
        func event(_ type: String, _ jsonWithoutClose: String) -> ByteBuffer {
            n += 1
            return EventStreamFrame.event(type, json: jsonWithoutClose + Self.pad(n))
        }
        try await sink.event(event("messageStart", "{\"role\":\"assistant\""))
        if malformed {
            var broken = event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"\"}")
            if let last = broken.getInteger(at: broken.writerIndex - 1, as: UInt8.self) {
                broken.setInteger(last ^ 0xFF, at: broken.writerIndex - 1)
            }
            try await sink.event(broken)
        }
        if let toolName = plan.toolName {
            try await sink.event(
                event(
                    "contentBlockStart",
                    "{\"contentBlockIndex\":0,\"start\":{\"toolUse\":{\"toolUseId\":\"\(toolUseID)\",\"name\":\(JSONText.quoted(toolName))}}"
                )
            )
            for fragment in ReplyScript.toolArgumentFragments {
                try await sink.paced(
                    event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"toolUse\":{\"input\":\(JSONText.quoted(fragment))}}")
                )
            }
        } else {
            for i in 0..<plan.contentTokens {
                try await sink.paced(event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"\(script.token(i))\"}"))
            }
        }
        try sink.ending()
        try await sink.event(event("contentBlockStop", "{\"contentBlockIndex\":0"))
        try await sink.event(event("messageStop", "{\"stopReason\":\"\(BedrockDialect.stopReason(plan.ending))\""))
        try await sink.event(event("metadata", "{\"usage\":\(usage(plan)),\"metrics\":{\"latencyMs\":\(latencyMs)}"))
    }
}
