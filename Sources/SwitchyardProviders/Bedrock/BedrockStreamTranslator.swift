import Foundation
import NIOCore
import NIOFoundationCompat
import SwitchyardCore

/// Turns ConverseStream messages into canonical chunks (providers.md §4.3): `messageStart` →
/// role chunk, text deltas → content, `toolUse` starts and input fragments → tool-call
/// fragments, `messageStop` → finish chunk, `metadata` → the usage chunk. Exception and
/// error messages throw their classified failure. Pure state machine; no I/O.
struct BedrockStreamTranslator {
    private let id: String
    private let created: Int
    private let model: String
    private let jsonToolName: String?
    /// Content block index → OpenAI tool-call index.
    private var toolIndexByBlock: [Int: Int] = [:]
    /// Content blocks that are the JSON-mode tool: their input is answer text.
    private var jsonBlocks: Set<Int> = []
    private var sentRole = false
    private(set) var sawStop = false
    private(set) var sawMetadata = false

    init(id: String, created: Int, model: String, jsonToolName: String?) {
        self.id = id
        self.created = created
        self.model = model
        self.jsonToolName = jsonToolName
    }

    /// The canonical events for one stream message (often none).
    mutating func consume(_ message: EventStreamMessage) throws(UpstreamFailure) -> [ChatStreamEvent] {
        switch message.messageType {
        case "exception", "error":
            throw BedrockErrorClassifier.streamFailure(message)
        case "event", nil:
            break
        default:
            return []
        }
        switch message.eventType {
        case "messageStart":
            return roleChunk()
        case "contentBlockStart":
            let event = try decode(BedrockWire.ContentBlockStart.self, message.payload)
            guard let use = event.start?.toolUse else { return [] }
            let block = event.contentBlockIndex ?? 0
            if let jsonToolName, use.name == jsonToolName {
                jsonBlocks.insert(block)
                return roleChunk()
            }
            let index = toolIndexByBlock.count
            toolIndexByBlock[block] = index
            let delta = CanonicalChatChunk.ToolCallDelta(index: index, id: use.toolUseId, name: use.name, arguments: "")
            return roleChunk() + [chunk(.init(tool_calls: [delta]))]
        case "contentBlockDelta":
            let event = try decode(BedrockWire.ContentBlockDelta.self, message.payload)
            let block = event.contentBlockIndex ?? 0
            if let text = event.delta?.text, !text.isEmpty {
                return roleChunk() + [chunk(.init(content: text))]
            }
            guard let input = event.delta?.toolUse?.input, !input.isEmpty else { return [] }
            if jsonBlocks.contains(block) {
                return [chunk(.init(content: input))]
            }
            guard let index = toolIndexByBlock[block] else {
                throw UpstreamFailure(kind: .malformedResponse, message: "upstream sent tool input for a block it never started")
            }
            return [chunk(.init(tool_calls: [.init(index: index, arguments: input)]))]
        case "messageStop":
            let event = try decode(BedrockWire.MessageStop.self, message.payload)
            sawStop = true
            var finish = BedrockTranslator.finishReason(event.stopReason, hasToolCalls: !toolIndexByBlock.isEmpty)
            if finish == "tool_calls", toolIndexByBlock.isEmpty { finish = "stop" }  // the JSON-mode tool
            return roleChunk() + [chunk(.init(), finish: finish)]
        case "metadata":
            let event = try decode(BedrockWire.Metadata.self, message.payload)
            sawMetadata = true
            guard let usage = event.usage else { return [] }
            return [CanonicalChatChunk(id: id, created: created, model: model, choices: [], usage: BedrockTranslator.usage(usage)).event()]
        default:
            return []  // contentBlockStop and events the gateway does not need
        }
    }

    /// Checks the stream is complete at the end of the body.
    func end() throws(UpstreamFailure) {
        guard sawStop else {
            throw UpstreamFailure(kind: .serverError, message: "upstream stream ended before it was complete")
        }
    }

    private mutating func roleChunk() -> [ChatStreamEvent] {
        guard !sentRole else { return [] }
        sentRole = true
        return [chunk(.init(role: "assistant", content: ""))]
    }

    private func chunk(_ delta: CanonicalChatChunk.Delta, finish: String? = nil) -> ChatStreamEvent {
        CanonicalChatChunk(id: id, created: created, model: model, choices: [.init(delta: delta, finish_reason: finish)]).event()
    }

    private func decode<T: Decodable>(_ type: T.Type, _ payload: ByteBuffer) throws(UpstreamFailure) -> T {
        do {
            return try JSONDecoder().decode(type, from: payload)
        } catch {
            throw UpstreamFailure(kind: .malformedResponse, message: "upstream sent a malformed stream event")
        }
    }
}
