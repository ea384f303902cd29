import Foundation
import NIOCore
import NIOFoundationCompat
import SwitchyardCore

/// Turns Anthropic stream events (providers.md §2.3) into canonical chunks, one event at a
/// time. A pure state machine: the I/O lives in `AnthropicStreamSource`.
///
/// `message_start` → the role chunk; `text_delta` → `delta.content`; a `tool_use` block →
/// a tool-call fragment (index counts tool blocks only) and its `input_json_delta`s →
/// argument fragments; `message_delta` → the `finish_reason` chunk; `message_stop` → the
/// usage chunk (usage from `message_start` merged with `message_delta`).
struct AnthropicStreamTranslator: Sendable {
    private let created: Int
    private let jsonToolName: String?
    private var id = "msg_unknown"
    private var model: String
    /// Content block index → tool-call index, for client tool blocks.
    private var toolIndexByBlock: [Int: Int] = [:]
    /// Blocks of the `response_format` tool: their JSON is the answer's text.
    private var jsonBlocks: Set<Int> = []
    private var usage = AnthropicWire.Usage()
    private var sawUsage = false
    private var sawFinish = false
    /// True after `message_stop`: the stream is complete.
    private(set) var isFinished = false

    init(created: Int, fallbackModel: String, jsonToolName: String?) {
        self.created = created
        self.model = fallbackModel
        self.jsonToolName = jsonToolName
    }

    /// Consumes one event's `data:` JSON.
    mutating func consume(_ data: ByteBuffer) throws(UpstreamFailure) -> [ChatStreamEvent] {
        let event: AnthropicWire.StreamEvent
        do {
            event = try JSONDecoder().decode(AnthropicWire.StreamEvent.self, from: data)
        } catch {
            throw UpstreamFailure(kind: .malformedResponse, message: "upstream sent a malformed stream event")
        }
        return try consume(event)
    }

    /// Consumes one decoded event.
    mutating func consume(_ event: AnthropicWire.StreamEvent) throws(UpstreamFailure) -> [ChatStreamEvent] {
        switch event.type {
        case "message_start":
            if let message = event.message {
                id = message.id ?? id
                model = message.model ?? model
                if let start = message.usage { merge(start) }
            }
            return [chunk(CanonicalChatChunk.Delta(role: "assistant", content: ""))]
        case "content_block_start":
            return blockStart(index: event.index ?? 0, block: event.content_block)
        case "content_block_delta":
            return blockDelta(index: event.index ?? 0, delta: event.delta)
        case "message_delta":
            if let delta = event.usage { merge(delta) }
            sawFinish = true
            var finish = AnthropicTranslator.finishReason(event.delta?.stop_reason)
            if finish == "tool_calls", toolIndexByBlock.isEmpty, !jsonBlocks.isEmpty { finish = "stop" }
            return [chunk(CanonicalChatChunk.Delta(), finish: finish)]
        case "message_stop":
            return finish()
        case "error":
            throw AnthropicErrorClassifier.streamError(event.error)
        default:
            return []  // ping, content_block_stop, and event kinds added later
        }
    }

    /// The body ended: complete if the answer had finished, else an interrupted stream.
    mutating func end() throws(UpstreamFailure) -> [ChatStreamEvent] {
        if isFinished { return [] }
        guard sawFinish else {
            throw UpstreamFailure(kind: .serverError, message: "upstream stream ended before it was complete")
        }
        return finish()
    }

    private mutating func finish() -> [ChatStreamEvent] {
        guard !isFinished else { return [] }
        isFinished = true
        guard sawUsage else { return [] }
        return [CanonicalChatChunk(id: id, created: created, model: model, choices: [], usage: AnthropicTranslator.usage(usage)).event()]
    }

    private mutating func blockStart(index: Int, block: AnthropicWire.ResponseBlock?) -> [ChatStreamEvent] {
        guard let block else { return [] }
        switch block.type {
        case "text":
            guard let text = block.text, !text.isEmpty else { return [] }
            return [chunk(CanonicalChatChunk.Delta(content: text))]
        case "tool_use" where jsonToolName != nil && block.name == jsonToolName:
            jsonBlocks.insert(index)
            return []
        case "tool_use":
            let toolIndex = toolIndexByBlock.count
            toolIndexByBlock[index] = toolIndex
            let call = CanonicalChatChunk.ToolCallDelta(
                index: toolIndex,
                id: block.id ?? "toolu_\(toolIndex)",
                name: block.name ?? "",
                arguments: ""
            )
            return [chunk(CanonicalChatChunk.Delta(tool_calls: [call]))]
        default:
            return []  // thinking, server tool blocks
        }
    }

    private func blockDelta(index: Int, delta: AnthropicWire.Delta?) -> [ChatStreamEvent] {
        guard let delta else { return [] }
        switch delta.type {
        case "text_delta":
            guard let text = delta.text, !text.isEmpty else { return [] }
            return [chunk(CanonicalChatChunk.Delta(content: text))]
        case "input_json_delta":
            guard let partial = delta.partial_json, !partial.isEmpty else { return [] }
            if jsonBlocks.contains(index) {
                return [chunk(CanonicalChatChunk.Delta(content: partial))]
            }
            guard let toolIndex = toolIndexByBlock[index] else { return [] }
            let call = CanonicalChatChunk.ToolCallDelta(index: toolIndex, arguments: partial)
            return [chunk(CanonicalChatChunk.Delta(tool_calls: [call]))]
        default:
            return []  // thinking_delta, signature_delta, citations_delta
        }
    }

    private func chunk(_ delta: CanonicalChatChunk.Delta, finish: String? = nil) -> ChatStreamEvent {
        CanonicalChatChunk(
            id: id,
            created: created,
            model: model,
            choices: [CanonicalChatChunk.Choice(delta: delta, finish_reason: finish)]
        ).event()
    }

    /// `output_tokens` is cumulative (latest wins); input and cache counts may repeat in
    /// `message_delta` (keep the larger).
    private mutating func merge(_ next: AnthropicWire.Usage) {
        sawUsage = true
        if let output = next.output_tokens { usage.output_tokens = output }
        usage.input_tokens = larger(usage.input_tokens, next.input_tokens)
        usage.cache_creation_input_tokens = larger(usage.cache_creation_input_tokens, next.cache_creation_input_tokens)
        usage.cache_read_input_tokens = larger(usage.cache_read_input_tokens, next.cache_read_input_tokens)
    }

    private func larger(_ a: Int?, _ b: Int?) -> Int? {
        switch (a, b) {
        case (let a?, let b?): max(a, b)
        default: a ?? b
        }
    }
}
