import Foundation
import SwitchyardCore

/// Gemini answers → canonical (providers.md §3.3, §0.1, §0.2).
extension GeminiTranslator {
    /// `finishReason` values that mean the content was filtered (§0.1).
    static let filteredReasons: Set<String> = [
        "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
        "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION", "LANGUAGE",
    ]

    /// The canonical `finish_reason` for a Gemini `finishReason`; `STOP` with function calls
    /// is `tool_calls`. Error-like reasons (`MALFORMED_FUNCTION_CALL`, `OTHER`, ...) end as `stop`.
    static func finishReason(_ reason: String?, hasToolCalls: Bool) -> String? {
        guard let reason else { return nil }
        if filteredReasons.contains(reason) { return "content_filter" }
        if reason == "MAX_TOKENS" { return "length" }
        return hasToolCalls ? "tool_calls" : "stop"
    }

    /// Canonical usage (§0.2): thoughts count as completion (reasoning) tokens; tool-use
    /// prompt tokens count as prompt tokens; cached tokens are already inside the prompt.
    static func usage(_ metadata: GeminiWire.UsageMetadata) -> CanonicalUsage {
        let prompt = TokenCount.sum(metadata.promptTokenCount ?? 0, metadata.toolUsePromptTokenCount ?? 0)
        let thoughts = metadata.thoughtsTokenCount ?? 0
        return CanonicalUsage(
            prompt: prompt,
            completion: TokenCount.sum(metadata.candidatesTokenCount ?? 0, thoughts),
            cached: metadata.cachedContentTokenCount ?? 0,
            reasoning: thoughts
        )
    }

    /// The failure for an answer whose prompt was blocked (no candidates, `blockReason` set).
    static func promptBlocked(_ response: GeminiWire.Response) -> UpstreamFailure? {
        guard response.candidates?.isEmpty ?? true, let reason = response.promptFeedback?.blockReason else {
            return nil
        }
        let detail = response.promptFeedback?.blockReasonMessage.map { ": " + $0 } ?? ""
        return UpstreamFailure(
            kind: .contentFiltered,
            status: 400,
            message: OpenAIErrorClassifier.sanitize("The prompt was blocked by the provider (\(reason))\(detail)."),
            code: "content_filter"
        )
    }

    /// The visible text (thought parts excluded) and tool calls of a candidate's parts.
    static func split(
        _ parts: [GeminiWire.Part],
        makeToolCallID: () -> String
    ) -> (text: String, toolCalls: [CanonicalToolCall], signatures: [(id: String, signature: String)]) {
        var text = ""
        var calls: [CanonicalToolCall] = []
        var signatures: [(id: String, signature: String)] = []
        for part in parts {
            if let call = part.functionCall {
                let id = call.id.flatMap { $0.isEmpty ? nil : $0 } ?? makeToolCallID()
                calls.append(CanonicalToolCall(id: id, name: call.name, arguments: argumentsString(call.args)))
                if let signature = part.thoughtSignature { signatures.append((id, signature)) }
            } else if let partText = part.text, part.thought != true {
                text += partText
            }
        }
        return (text, calls, signatures)
    }

    /// Gemini `args` (an object) as OpenAI's JSON string.
    static func argumentsString(_ args: JSONValue?) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(args ?? .object([:])) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// A whole Gemini answer as a canonical `chat.completion`, plus the thought signatures
    /// of its function calls (tool call id → signature) for replay.
    static func response(
        _ wire: GeminiWire.Response,
        model: String,
        created: Int,
        makeToolCallID: () -> String = GeminiTranslator.randomToolCallID
    ) throws(UpstreamFailure) -> (response: CanonicalChatResponse, signatures: [(id: String, signature: String)]) {
        if let blocked = promptBlocked(wire) { throw blocked }
        var choices: [CanonicalChatResponse.Choice] = []
        var signatures: [(id: String, signature: String)] = []
        for (position, candidate) in (wire.candidates ?? []).enumerated() {
            let split = split(candidate.content?.parts ?? [], makeToolCallID: makeToolCallID)
            signatures += split.signatures
            let hasCalls = !split.toolCalls.isEmpty
            let content: String? = split.text.isEmpty && hasCalls ? nil : split.text
            choices.append(
                CanonicalChatResponse.Choice(
                    index: candidate.index ?? position,
                    message: CanonicalChatResponse.Message(content: content, tool_calls: split.toolCalls),
                    finish_reason: finishReason(candidate.finishReason ?? "STOP", hasToolCalls: hasCalls)
                )
            )
        }
        guard !choices.isEmpty else {
            throw UpstreamFailure(
                kind: .malformedResponse,
                status: 200,
                message: "upstream answered without any candidate"
            )
        }
        let response = CanonicalChatResponse(
            id: completionID(wire.responseId),
            created: created,
            model: wire.modelVersion ?? model,
            choices: choices,
            usage: wire.usageMetadata.map(usage)
        )
        return (response, signatures)
    }

    /// `chatcmpl-<responseId>`, or a random id when Gemini sent none.
    static func completionID(_ responseID: String?) -> String {
        if let responseID, !responseID.isEmpty { return "chatcmpl-" + responseID }
        return "chatcmpl-" + randomAlphanumerics(24)
    }

    /// A fresh OpenAI-style tool call id for a Gemini function call that came without one.
    @Sendable static func randomToolCallID() -> String {
        "call_" + randomAlphanumerics(24)
    }

    static func randomAlphanumerics(_ count: Int) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }
}
