import Foundation
import NIOCore
import NIOFoundationCompat
import SwitchyardCore

/// Re-encodes a canonical stream (OpenAI chunks) as Anthropic Messages SSE events for
/// `/v1/messages` clients (providers.md §2.3, §2.4), one chunk at a time.
///
/// Emits exactly Anthropic's order: `message_start` → per block `content_block_start`
/// (indices 0, 1, 2... in order; `ping` after the first) → deltas → `content_block_stop` →
/// `message_delta` (stop_reason, usage) → `message_stop`. A text block opens lazily on the
/// first text; an open block is closed before a `tool_use` block starts.
///
/// Usage: call `encode(_:)` (or `encode(chunkPayload:)`) for every upstream event,
/// including the usage chunk, then `finish(usage:)` once at the clean end. On an upstream
/// failure after the first byte, send `AnthropicErrorShape.event(...)` instead.
public struct AnthropicStreamEncoder: Sendable {
    private enum Block: Equatable {
        case text
        case tool(Int)
    }

    private var messageID: String?
    private var model: String?
    private var started = false
    private var pinged = false
    private var open: (index: Int, block: Block)?
    private var nextIndex = 0
    /// Tool-call index → content block index.
    private var toolBlocks: [Int: Int] = [:]
    private var stopReason: String?
    private var usage: TokenUsage?
    /// True once `finish` has emitted `message_stop`.
    public private(set) var isFinished = false

    /// - Parameters:
    ///   - messageID: the `msg_...` id; by default derived from the first chunk's id.
    ///   - model: the model name to report; by default the first chunk's model.
    public init(messageID: String? = nil, model: String? = nil) {
        self.messageID = messageID
        self.model = model
    }

    /// Encodes one upstream stream event (a chunk, or the usage chunk).
    public mutating func encode(_ event: ChatStreamEvent) -> [ByteBuffer] {
        switch event {
        case .chunk(let payload): return encode(chunkPayload: payload)
        case .usage(let usage, let payload):
            self.usage = usage
            return encode(chunkPayload: payload)
        }
    }

    /// Encodes one OpenAI `chat.completion.chunk` JSON payload. Usage found in it is kept
    /// for `message_delta`; an undecodable payload yields nothing.
    public mutating func encode(chunkPayload: ByteBuffer) -> [ByteBuffer] {
        guard !isFinished, let chunk = try? JSONDecoder().decode(OpenAIAnswerView.Answer.self, from: chunkPayload) else { return [] }
        var out: [ByteBuffer] = []
        if !started { start(id: chunk.id, model: chunk.model, into: &out) }
        if let chunkUsage = chunk.usage { usage = chunkUsage.tokenUsage }
        guard let choice = chunk.choices?.first(where: { ($0.index ?? 0) == 0 }) else { return out }
        if let text = choice.delta?.content ?? choice.delta?.refusal, !text.isEmpty {
            if open?.block != .text { openBlock(.text, header: #"{"type":"text","text":""}"#, into: &out) }
            out.append(delta(#"{"type":"text_delta","text":\#(AnthropicJSON.quoted(text))}"#))
        }
        for call in choice.delta?.tool_calls ?? [] {
            let toolIndex = call.index ?? 0
            if toolBlocks[toolIndex] == nil {
                let id = call.id ?? "toolu_\(messageSuffix)_\(toolIndex)"
                let name = AnthropicJSON.quoted(call.function?.name ?? "")
                let header = #"{"type":"tool_use","id":\#(AnthropicJSON.quoted(id)),"name":\#(name),"input":{}}"#
                toolBlocks[toolIndex] = nextIndex
                openBlock(.tool(toolIndex), header: header, into: &out)
                out.append(delta(#"{"type":"input_json_delta","partial_json":""}"#))
            }
            if let fragment = call.function?.arguments, !fragment.isEmpty, let index = toolBlocks[toolIndex] {
                out.append(delta(#"{"type":"input_json_delta","partial_json":\#(AnthropicJSON.quoted(fragment))}"#, index: index))
            }
        }
        if let finish = choice.finish_reason {
            stopReason = AnthropicIngressTranslator.stopReason(finish, hasToolCalls: !toolBlocks.isEmpty)
        }
        return out
    }

    /// Ends the message: closes the open block, then `message_delta` and `message_stop`.
    /// `usage` (if given) overrides usage seen in the chunks. Later calls return nothing.
    public mutating func finish(usage: TokenUsage? = nil) -> [ByteBuffer] {
        guard !isFinished else { return [] }
        var out: [ByteBuffer] = []
        if !started { start(id: nil, model: nil, into: &out) }
        closeBlock(into: &out)
        let final = usage ?? self.usage
        let stop = stopReason ?? (toolBlocks.isEmpty ? "end_turn" : "tool_use")
        let usageJSON = final.map { Self.usageJSON($0) } ?? #"{"output_tokens":0}"#
        out.append(
            AnthropicSSE.frame(
                "message_delta",
                #"{"type":"message_delta","delta":{"stop_reason":"\#(stop)","stop_sequence":null},"usage":\#(usageJSON)}"#
            )
        )
        out.append(AnthropicSSE.frame("message_stop", #"{"type":"message_stop"}"#))
        isFinished = true
        return out
    }

    /// A keep-alive `ping` event.
    public static func ping() -> ByteBuffer {
        AnthropicSSE.frame("ping", #"{"type":"ping"}"#)
    }

    private mutating func start(id: String?, model chunkModel: String?, into out: inout [ByteBuffer]) {
        started = true
        let id = messageID ?? AnthropicIngressTranslator.messageID(from: id)
        messageID = id
        let model = self.model ?? chunkModel ?? "unknown"
        // Input counts arrive with the upstream's final usage: `message_delta` carries them.
        let usage = #"{"input_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":0}"#
        let message =
            #"{"id":\#(AnthropicJSON.quoted(id)),"type":"message","role":"assistant","model":\#(AnthropicJSON.quoted(model)),"#
            + #""content":[],"stop_reason":null,"stop_sequence":null,"usage":\#(usage)}"#
        out.append(AnthropicSSE.frame("message_start", #"{"type":"message_start","message":\#(message)}"#))
    }

    private mutating func openBlock(_ block: Block, header: String, into out: inout [ByteBuffer]) {
        closeBlock(into: &out)
        let index = nextIndex
        nextIndex += 1
        open = (index, block)
        out.append(AnthropicSSE.frame("content_block_start", #"{"type":"content_block_start","index":\#(index),"content_block":\#(header)}"#))
        if !pinged {
            pinged = true
            out.append(Self.ping())
        }
    }

    private mutating func closeBlock(into out: inout [ByteBuffer]) {
        guard let current = open else { return }
        open = nil
        out.append(AnthropicSSE.frame("content_block_stop", #"{"type":"content_block_stop","index":\#(current.index)}"#))
    }

    private func delta(_ json: String, index: Int? = nil) -> ByteBuffer {
        let index = index ?? open?.index ?? 0
        return AnthropicSSE.frame("content_block_delta", #"{"type":"content_block_delta","index":\#(index),"delta":\#(json)}"#)
    }

    private var messageSuffix: String {
        String((messageID ?? "msg_gateway").dropFirst(4))
    }

    /// Final usage, in Anthropic's terms (`input_tokens` without the cached part).
    static func usageJSON(_ usage: TokenUsage) -> String {
        let cached = usage.cachedPromptTokens
        let input = max(0, TokenCount.difference(usage.promptTokens, cached))
        return #"{"input_tokens":\#(input),"cache_creation_input_tokens":0,"cache_read_input_tokens":\#(cached),"#
            + #""output_tokens":\#(usage.completionTokens)}"#
    }
}
