import Hummingbird
import HTTPTypes

extension AnthropicDialect {
    /// `POST /v1/messages`, whole (§2.2) or streamed (§2.3).
    func messages(body: ByteBuffer, exchange: SimulatedExchange) async -> Response {
        let request: AnthropicMessagesRequest
        switch RequestDecoding.decode(AnthropicMessagesRequest.self, from: body) {
        case .success(let decoded): request = decoded
        case .failure(let failure): return exchange.fail(dialect: self, status: 400, message: failure.message)
        }
        guard !request.messages.isEmpty else {
            return exchange.fail(dialect: self, status: 400, message: "messages: at least one message is required")
        }
        let plan = ChatPlan(
            model: request.model,
            stream: request.stream ?? false,
            bodyBytes: body.readableBytes,
            maxTokens: request.max_tokens,
            toolName: request.toolToCall,
            options: exchange.options
        )
        let suffix = exchange.state.nextID()
        let template = AnthropicTemplate(id: "msg_sim" + suffix, toolID: "toolu_sim" + suffix, model: JSONText.escape(plan.model))
        let script = exchange.state.script
        let malformed = exchange.options.malformed
        let headers = baseHeaders(exchange: exchange)
        return await exchange.answer(
            dialect: self,
            plan: plan,
            headers: headers,
            whole: {
                if malformed {
                    return exchange.json("{\"id\":\"\(template.id)\",\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":\"Hel", headers: headers)
                }
                return exchange.json(template.message(plan: plan, script: script), headers: headers)
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

/// The per-request constant parts of Anthropic answers.
struct AnthropicTemplate: Sendable {
    let id: String
    let toolID: String
    /// Already JSON-escaped.
    let model: String

    func usage(_ plan: ChatPlan) -> String {
        "{\"input_tokens\":\(plan.promptTokens),\"output_tokens\":\(plan.completionTokens),"
            + "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,"
            + "\"cache_creation\":{\"ephemeral_5m_input_tokens\":0,\"ephemeral_1h_input_tokens\":0},"
            + "\"service_tier\":\"standard\"}"
    }

    func message(plan: ChatPlan, script: ReplyScript) -> String {
        let content: String
        if let toolName = plan.toolName {
            content = "{\"type\":\"tool_use\",\"id\":\"\(toolID)\",\"name\":\(JSONText.quoted(toolName)),"
                + "\"input\":\(ReplyScript.toolArguments)}"
        } else {
            content = "{\"type\":\"text\",\"text\":\"\(script.text(tokens: plan.contentTokens))\"}"
        }
        return "{\"id\":\"\(id)\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"\(model)\","
            + "\"content\":[\(content)],\"stop_reason\":\"\(AnthropicDialect.stopReason(plan.ending))\","
            + "\"stop_sequence\":null,\"usage\":\(usage(plan))}"
    }

    static func event(_ name: String, _ data: String) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(name.utf8.count + data.utf8.count + 16)
        buffer.writeString("event: ")
        buffer.writeString(name)
        buffer.writeString("\ndata: ")
        buffer.writeString(data)
        buffer.writeString("\n\n")
        return buffer
    }

    func stream(plan: ChatPlan, script: ReplyScript, malformed: Bool, into sink: inout StreamSink) async throws {
        try await sink.event(
            Self.event(
                "message_start",
                "{\"type\":\"message_start\",\"message\":{\"id\":\"\(id)\",\"type\":\"message\",\"role\":\"assistant\","
                    + "\"model\":\"\(model)\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"
                    + "\"usage\":{\"input_tokens\":\(plan.promptTokens),\"cache_creation_input_tokens\":0,"
                    + "\"cache_read_input_tokens\":0,\"output_tokens\":1}}}"
            )
        )
        let block: String
        if let toolName = plan.toolName {
            block = "{\"type\":\"tool_use\",\"id\":\"\(toolID)\",\"name\":\(JSONText.quoted(toolName)),\"input\":{}}"
        } else {
            block = "{\"type\":\"text\",\"text\":\"\"}"
        }
        try await sink.event(
            Self.event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":\(block)}")
        )
        try await sink.event(Self.event("ping", "{\"type\":\"ping\"}"))
        if malformed {
            try await sink.event(Self.event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_"))
        }
        let deltaPrefix = "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
        if plan.toolName != nil {
            try await sink.event(
                Self.event("content_block_delta", deltaPrefix + "{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}")
            )
            for fragment in ReplyScript.toolArgumentFragments {
                try await sink.paced(
                    Self.event(
                        "content_block_delta",
                        deltaPrefix + "{\"type\":\"input_json_delta\",\"partial_json\":\(JSONText.quoted(fragment))}}"
                    )
                )
            }
        } else {
            for i in 0..<plan.contentTokens {
                try await sink.paced(
                    Self.event("content_block_delta", deltaPrefix + "{\"type\":\"text_delta\",\"text\":\"\(script.token(i))\"}}")
                )
            }
        }
        try sink.ending()
        try await sink.event(Self.event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"))
        try await sink.event(
            Self.event(
                "message_delta",
                "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"\(AnthropicDialect.stopReason(plan.ending))\","
                    + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":\(plan.completionTokens)}}"
            )
        )
        try await sink.event(Self.event("message_stop", "{\"type\":\"message_stop\"}"))
    }
}
