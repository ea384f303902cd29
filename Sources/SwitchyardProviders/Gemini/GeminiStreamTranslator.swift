import SwitchyardCore

/// Turns the `GenerateContentResponse` objects of a Gemini stream (providers.md §3.4) into
/// canonical chunks, event by event, with no I/O: a role chunk first for each candidate,
/// text deltas, each function call as one complete tool-call delta, a finish chunk, and at
/// the end of the stream the usage chunk from the last `usageMetadata`.
struct GeminiStreamTranslator: Sendable {
    private let model: String
    private let created: Int
    private let makeToolCallID: @Sendable () -> String
    private var id: String?
    private var modelVersion: String?
    private var started: Set<Int> = []
    private var finished: Set<Int> = []
    private var toolCallCounts: [Int: Int] = [:]
    private var lastUsage: GeminiWire.UsageMetadata?
    /// Thought signatures seen on function calls (tool call id → signature), for replay.
    private(set) var signatures: [(id: String, signature: String)] = []

    init(
        model: String,
        created: Int,
        makeToolCallID: @escaping @Sendable () -> String = GeminiTranslator.randomToolCallID
    ) {
        self.model = model
        self.created = created
        self.makeToolCallID = makeToolCallID
    }

    /// The canonical chunks for one upstream stream object.
    mutating func consume(_ response: GeminiWire.Response) throws(UpstreamFailure) -> [CanonicalChatChunk] {
        if let blocked = GeminiTranslator.promptBlocked(response) { throw blocked }
        if id == nil { id = GeminiTranslator.completionID(response.responseId) }
        if modelVersion == nil { modelVersion = response.modelVersion }
        if let usage = response.usageMetadata { lastUsage = usage }
        var chunks: [CanonicalChatChunk] = []
        for (position, candidate) in (response.candidates ?? []).enumerated() {
            let index = candidate.index ?? position
            if started.insert(index).inserted {
                chunks.append(chunk(index, CanonicalChatChunk.Delta(role: "assistant", content: "")))
            }
            let split = GeminiTranslator.split(candidate.content?.parts ?? [], makeToolCallID: makeToolCallID)
            signatures += split.signatures
            if !split.text.isEmpty {
                chunks.append(chunk(index, CanonicalChatChunk.Delta(content: split.text)))
            }
            for call in split.toolCalls {
                let callIndex = toolCallCounts[index, default: 0]
                toolCallCounts[index] = callIndex + 1
                let delta = CanonicalChatChunk.ToolCallDelta(
                    index: callIndex,
                    id: call.id,
                    name: call.function.name,
                    arguments: call.function.arguments
                )
                chunks.append(chunk(index, CanonicalChatChunk.Delta(tool_calls: [delta])))
            }
            if let reason = candidate.finishReason, finished.insert(index).inserted {
                let hasCalls = toolCallCounts[index, default: 0] > 0
                let mapped = GeminiTranslator.finishReason(reason, hasToolCalls: hasCalls)
                chunks.append(chunk(index, CanonicalChatChunk.Delta(), finishReason: mapped))
            }
        }
        return chunks
    }

    /// The thought signatures seen since the last call, for the signature cache.
    mutating func drainSignatures() -> [(id: String, signature: String)] {
        defer { signatures.removeAll() }
        return signatures
    }

    /// The closing chunks once the connection closed: the usage chunk, when usage was
    /// reported. Throws when the stream was cut before every candidate finished.
    mutating func finish() throws(UpstreamFailure) -> [CanonicalChatChunk] {
        guard !started.isEmpty, started.isSubset(of: finished) else {
            throw UpstreamFailure(kind: .serverError, message: "upstream stream ended before it was complete")
        }
        guard let lastUsage else { return [] }
        return [
            CanonicalChatChunk(
                id: id ?? "chatcmpl-",
                created: created,
                model: modelVersion ?? model,
                choices: [],
                usage: GeminiTranslator.usage(lastUsage)
            )
        ]
    }

    private func chunk(_ index: Int, _ delta: CanonicalChatChunk.Delta, finishReason: String? = nil)
        -> CanonicalChatChunk
    {
        CanonicalChatChunk(
            id: id ?? "chatcmpl-",
            created: created,
            model: modelVersion ?? model,
            choices: [CanonicalChatChunk.Choice(index: index, delta: delta, finish_reason: finishReason)]
        )
    }
}
