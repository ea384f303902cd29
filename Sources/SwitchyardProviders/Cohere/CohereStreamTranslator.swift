import Foundation
import NIOCore
import NIOFoundationCompat
import SwitchyardCore

/// Turns Cohere v2 stream events (providers.md §6) into canonical chunks, one event at a
/// time. A pure state machine: the I/O lives in `CohereStreamSource`.
///
/// `message-start` → the role chunk; `content-start`/`content-delta` text → `delta.content`;
/// `tool-call-start` → a tool-call fragment with id and name, `tool-call-delta` → argument
/// fragments; `message-end` → the `finish_reason` chunk and the usage chunk, or a failure
/// when its `finish_reason` is `ERROR`. Cohere sends no `[DONE]`.
struct CohereStreamTranslator: Sendable {
    private let created: Int
    private let model: String
    private var id = "cohere"
    /// Cohere's tool-call index → canonical tool-call index.
    private var toolIndex: [Int: Int] = [:]
    /// True after `message-end`: the stream is complete.
    private(set) var isFinished = false

    init(created: Int, model: String) {
        self.created = created
        self.model = model
    }

    /// Consumes one event's `data:` JSON.
    mutating func consume(_ data: ByteBuffer) throws(UpstreamFailure) -> [ChatStreamEvent] {
        let event: CohereWire.StreamEvent
        do {
            event = try JSONDecoder().decode(CohereWire.StreamEvent.self, from: data)
        } catch {
            throw UpstreamFailure(kind: .malformedResponse, message: "upstream sent a malformed stream event")
        }
        return try consume(event)
    }

    /// Consumes one decoded event.
    mutating func consume(_ event: CohereWire.StreamEvent) throws(UpstreamFailure) -> [ChatStreamEvent] {
        switch event.type ?? "" {
        case "message-start":
            if let eventID = event.id, !eventID.isEmpty { id = eventID }
            return [chunk(CanonicalChatChunk.Delta(role: "assistant", content: ""))]
        case "content-start", "content-delta":
            let content = event.delta?.message?.content
            guard content?.type == nil || content?.type == "text", let text = content?.text, !text.isEmpty else {
                return []
            }
            return [chunk(CanonicalChatChunk.Delta(content: text))]
        case "tool-call-start":
            let index = toolIndex.count
            toolIndex[event.index ?? index] = index
            let call = event.delta?.message?.tool_calls
            let fragment = CanonicalChatChunk.ToolCallDelta(
                index: index,
                id: call?.id ?? "call_\(index)",
                name: call?.function?.name ?? "",
                arguments: call?.function?.arguments ?? ""
            )
            return [chunk(CanonicalChatChunk.Delta(tool_calls: [fragment]))]
        case "tool-call-delta":
            guard let arguments = event.delta?.message?.tool_calls?.function?.arguments, !arguments.isEmpty,
                let index = toolIndex[event.index ?? (toolIndex.count - 1)]
            else { return [] }
            let fragment = CanonicalChatChunk.ToolCallDelta(index: index, arguments: arguments)
            return [chunk(CanonicalChatChunk.Delta(tool_calls: [fragment]))]
        case "message-end":
            isFinished = true
            let reason = event.delta?.finish_reason
            if reason == "ERROR" || reason == "TIMEOUT" || event.delta?.error?.isEmpty == false {
                let detail = event.delta?.error ?? "upstream ended the answer with \(reason ?? "an error")"
                throw UpstreamFailure(
                    kind: reason == "TIMEOUT" ? .timeout : .serverError,
                    message: OpenAIErrorClassifier.sanitize(detail)
                )
            }
            let finish = CohereTranslator.finishReason(reason, hasToolCalls: !toolIndex.isEmpty)
            var events = [chunk(CanonicalChatChunk.Delta(), finish: finish)]
            if let usage = event.delta?.usage {
                events.append(
                    CanonicalChatChunk(
                        id: id,
                        created: created,
                        model: model,
                        choices: [],
                        usage: CohereTranslator.usage(usage)
                    ).event()
                )
            }
            return events
        case "":
            // Not an event: an error object in the stream.
            if let message = event.message {
                throw UpstreamFailure(kind: .serverError, message: OpenAIErrorClassifier.sanitize(message))
            }
            return []
        default:
            return []  // content-end, tool-plan-delta, tool-call-end, citation-*, debug
        }
    }

    /// The body ended: complete after `message-end`, else an interrupted stream.
    func end() throws(UpstreamFailure) -> [ChatStreamEvent] {
        guard isFinished else {
            throw UpstreamFailure(kind: .serverError, message: "upstream stream ended before it was complete")
        }
        return []
    }

    private func chunk(_ delta: CanonicalChatChunk.Delta, finish: String? = nil) -> ChatStreamEvent {
        CanonicalChatChunk(
            id: id,
            created: created,
            model: model,
            choices: [CanonicalChatChunk.Choice(delta: delta, finish_reason: finish)]
        ).event()
    }
}
