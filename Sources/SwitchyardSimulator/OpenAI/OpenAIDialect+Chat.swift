import Hummingbird
import HTTPTypes

extension OpenAIDialect {
    /// `POST /v1/chat/completions`, whole (§1.2) or streamed (§1.3).
    func chat(body: ByteBuffer, exchange: SimulatedExchange) async -> Response {
        let request: OpenAIChatRequest
        switch RequestDecoding.decode(OpenAIChatRequest.self, from: body) {
        case .success(let decoded): request = decoded
        case .failure(let failure): return exchange.fail(dialect: self, status: 400, message: failure.message)
        }
        guard !request.messages.isEmpty else {
            return exchange.fail(dialect: self, status: 400, message: "Invalid 'messages': empty array. Expected an array with minimum length 1.")
        }
        let plan = ChatPlan(
            model: request.model,
            stream: request.stream ?? false,
            includeUsage: request.stream_options?.include_usage ?? false,
            bodyBytes: body.readableBytes,
            maxTokens: request.max_completion_tokens ?? request.max_tokens,
            toolName: request.toolToCall,
            options: exchange.options
        )
        let template = OpenAIChunkTemplate(
            id: "chatcmpl-" + exchange.state.nextID(),
            created: exchange.state.unixTime(),
            model: JSONText.escape(plan.model),
            includeUsage: plan.includeUsage
        )
        let script = exchange.state.script
        let malformed = exchange.options.malformed
        let headers = baseHeaders(exchange: exchange)
        return await exchange.answer(
            dialect: self,
            plan: plan,
            headers: headers,
            whole: {
                if malformed {
                    return exchange.json(template.truncatedCompletion(), headers: headers)
                }
                return exchange.json(template.completion(plan: plan, script: script), headers: headers)
            },
            produce: { sink in
                try await Self.stream(plan: plan, template: template, script: script, malformed: malformed, into: &sink)
            }
        )
    }

    static func stream(
        plan: ChatPlan,
        template: OpenAIChunkTemplate,
        script: ReplyScript,
        malformed: Bool,
        into sink: inout StreamSink
    ) async throws {
        let roleDelta = plan.toolName == nil
            ? "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}"
            : "{\"role\":\"assistant\",\"content\":null,\"refusal\":null}"
        try await sink.event(template.chunk(delta: roleDelta))
        if malformed {
            try await sink.event(template.malformedChunk())
        }
        if let toolName = plan.toolName {
            let callID = "call_" + template.id.dropFirst("chatcmpl-".count)
            let start = "{\"tool_calls\":[{\"index\":0,\"id\":\"\(callID)\",\"type\":\"function\","
                + "\"function\":{\"name\":\(JSONText.quoted(toolName)),\"arguments\":\"\"}}]}"
            try await sink.event(template.chunk(delta: start))
            for fragment in ReplyScript.toolArgumentFragments {
                let delta = "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\(JSONText.quoted(fragment))}}]}"
                try await sink.paced(template.chunk(delta: delta))
            }
        } else {
            for i in 0..<plan.contentTokens {
                try await sink.paced(template.chunk(delta: "{\"content\":\"" + script.token(i) + "\"}"))
            }
        }
        try sink.ending()
        try await sink.event(template.chunk(delta: "{}", finishReason: finishReason(plan.ending)))
        if plan.includeUsage {
            try await sink.event(template.usageChunk(plan: plan))
        }
        try await sink.event(ByteBuffer(string: "data: [DONE]\n\n"))
    }

    static func finishReason(_ ending: ReplyEnding) -> String {
        switch ending {
        case .stop: "stop"
        case .length: "length"
        case .toolCall: "tool_calls"
        }
    }
}

/// The per-request constant parts of OpenAI answers, so each chunk is a few string appends.
struct OpenAIChunkTemplate: Sendable {
    let id: String
    let created: Int
    /// Already JSON-escaped.
    let model: String
    let includeUsage: Bool
    private let chunkPrefix: String
    private let usageTail: String

    init(id: String, created: Int, model: String, includeUsage: Bool) {
        self.id = id
        self.created = created
        self.model = model
        self.includeUsage = includeUsage
        self.chunkPrefix = "data: {\"id\":\"\(id)\",\"object\":\"chat.completion.chunk\",\"created\":\(created),"
            + "\"model\":\"\(model)\",\"system_fingerprint\":\"fp_sim\",\"choices\":[{\"index\":0,\"delta\":"
        self.usageTail = includeUsage ? ",\"usage\":null}\n\n" : "}\n\n"
    }

    func chunk(delta: String, finishReason: String? = nil) -> ByteBuffer {
        let finish = finishReason.map { "\"\($0)\"" } ?? "null"
        var buffer = ByteBuffer()
        buffer.reserveCapacity(chunkPrefix.utf8.count + delta.utf8.count + 64)
        buffer.writeString(chunkPrefix)
        buffer.writeString(delta)
        buffer.writeString(",\"logprobs\":null,\"finish_reason\":\(finish)}]")
        buffer.writeString(usageTail)
        return buffer
    }

    func usageChunk(plan: ChatPlan) -> ByteBuffer {
        ByteBuffer(
            string: "data: {\"id\":\"\(id)\",\"object\":\"chat.completion.chunk\",\"created\":\(created),"
                + "\"model\":\"\(model)\",\"system_fingerprint\":\"fp_sim\",\"choices\":[],\"usage\":\(usage(plan))}\n\n"
        )
    }

    func malformedChunk() -> ByteBuffer {
        ByteBuffer(string: "data: {\"id\":\"\(id)\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\n\n")
    }

    func usage(_ plan: ChatPlan) -> String {
        let prompt = plan.promptTokens
        let completion = plan.completionTokens
        return "{\"prompt_tokens\":\(prompt),\"completion_tokens\":\(completion),\"total_tokens\":\(prompt + completion),"
            + "\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},"
            + "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,"
            + "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}"
    }

    func completion(plan: ChatPlan, script: ReplyScript) -> String {
        let message: String
        if let toolName = plan.toolName {
            let callID = "call_" + id.dropFirst("chatcmpl-".count)
            message = "{\"role\":\"assistant\",\"content\":null,\"refusal\":null,\"annotations\":[],\"tool_calls\":["
                + "{\"id\":\"\(callID)\",\"type\":\"function\",\"function\":{\"name\":\(JSONText.quoted(toolName)),"
                + "\"arguments\":\(JSONText.quoted(ReplyScript.toolArguments))}}]}"
        } else {
            message = "{\"role\":\"assistant\",\"content\":\"\(script.text(tokens: plan.contentTokens))\","
                + "\"refusal\":null,\"annotations\":[]}"
        }
        return "{\"id\":\"\(id)\",\"object\":\"chat.completion\",\"created\":\(created),\"model\":\"\(model)\","
            + "\"choices\":[{\"index\":0,\"message\":\(message),\"logprobs\":null,"
            + "\"finish_reason\":\"\(OpenAIDialect.finishReason(plan.ending))\"}],"
            + "\"usage\":\(usage(plan)),\"service_tier\":\"default\",\"system_fingerprint\":\"fp_sim\"}"
    }

    func truncatedCompletion() -> String {
        "{\"id\":\"\(id)\",\"object\":\"chat.completion\",\"created\":\(created),\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hel"
    }
}
