import Foundation
import SwitchyardCore

/// Pure translation between the canonical (OpenAI) form and Gemini `generateContent`
/// (providers.md §3.2–§3.4), shared by the Gemini API and Vertex AI adapters.
/// This file: canonical request → Gemini request. Answers: `GeminiTranslator+Response`.
enum GeminiTranslator {
    /// At most this many stop sequences are accepted; extra ones are dropped.
    static let maxStopSequences = 5

    /// The Gemini request for `request`. Parameters Gemini has no equivalent for
    /// (`user`, `logit_bias`, penalties, `parallel_tool_calls`, `reasoning_effort`) are dropped.
    /// `thoughtSignature(toolCallID, isFirstCallOfTurn)` returns a signature to echo on a
    /// replayed function call.
    static func request(
        _ request: CanonicalChatRequest,
        thoughtSignature: (String, Bool) -> String? = { _, _ in nil }
    ) throws(UpstreamFailure) -> GeminiWire.Request {
        var contents: [GeminiWire.Content] = []
        var toolNames: [String: String] = [:]
        var callOrder: [String: Int] = [:]
        // Consecutive tool results, put back in the order of the calls they answer.
        var responses: [(order: Int, part: GeminiWire.Part)] = []
        func append(_ role: String, _ parts: [GeminiWire.Part]) {
            guard !parts.isEmpty else { return }
            if let last = contents.indices.last, contents[last].role == role {
                contents[last].parts.append(contentsOf: parts)  // Gemini wants alternating turns
            } else {
                contents.append(GeminiWire.Content(role: role, parts: parts))
            }
        }
        func flushResponses() {
            let ordered = responses.enumerated().sorted {
                ($0.element.order, $0.offset) < ($1.element.order, $1.offset)
            }
            append("user", ordered.map(\.element.part))
            responses.removeAll()
        }
        for message in request.messages {
            switch message.role {
            case "system", "developer":
                continue
            case "tool", "function":
                let order = message.tool_call_id.flatMap { callOrder[$0] } ?? Int.max
                responses.append((order, try functionResponse(message, toolNames: toolNames)))
                continue
            default:
                break
            }
            flushResponses()
            if message.role == "assistant" {
                callOrder = [:]
                for (position, call) in (message.tool_calls ?? []).enumerated() { callOrder[call.id] = position }
                append("model", try assistantParts(message, toolNames: &toolNames, thoughtSignature: thoughtSignature))
            } else {
                append("user", userParts(message))
            }
        }
        flushResponses()
        var wire = GeminiWire.Request(contents: contents)
        if let system = request.systemText, !system.isEmpty {
            wire.systemInstruction = GeminiWire.Content(role: nil, parts: [GeminiWire.Part(text: system)])
        }
        if let tools = request.tools, !tools.isEmpty {
            let declarations = tools.filter { $0.type == "function" }.map(declaration)
            if !declarations.isEmpty {
                wire.tools = [GeminiWire.Tool(functionDeclarations: declarations)]
                wire.toolConfig = request.tool_choice.map(toolConfig)
            }
        }
        let config = generationConfig(request)
        wire.generationConfig = config.isEmpty ? nil : config
        return wire
    }

    private static func userParts(_ message: CanonicalMessage) -> [GeminiWire.Part] {
        switch message.content {
        case .text(let text):
            return text.isEmpty ? [] : [GeminiWire.Part(text: text)]
        case .parts(let parts):
            return parts.compactMap { part in
                if let text = part.text, part.type == "text" {
                    return text.isEmpty ? nil : GeminiWire.Part(text: text)
                }
                if part.type == "image_url" { return imagePart(part) }
                return nil
            }
        case nil:
            return []
        }
    }

    /// A `data:` URI becomes `inlineData`; any other URL becomes `fileData`.
    static func imagePart(_ part: CanonicalContentPart) -> GeminiWire.Part? {
        if let inline = part.inlineImage {
            return GeminiWire.Part(inlineData: GeminiWire.Blob(mimeType: inline.mediaType, data: inline.base64))
        }
        guard let url = part.image_url?.url, !url.isEmpty else { return nil }
        return GeminiWire.Part(fileData: GeminiWire.FileData(mimeType: mimeType(forURL: url), fileUri: url))
    }

    /// The media type implied by a URL's extension (images, PDF); JPEG when unknown.
    static func mimeType(forURL url: String) -> String {
        let path = url.split(separator: "?").first.map(String.init) ?? url
        let ext = path.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch ext {
        case "png": return "image/png"
        case "gif": return "image/gif"
        case "webp": return "image/webp"
        case "heic": return "image/heic"
        case "pdf": return "application/pdf"
        default: return "image/jpeg"
        }
    }

    private static func assistantParts(
        _ message: CanonicalMessage,
        toolNames: inout [String: String],
        thoughtSignature: (String, Bool) -> String?
    ) throws(UpstreamFailure) -> [GeminiWire.Part] {
        var parts: [GeminiWire.Part] = []
        let text = message.textContent
        if !text.isEmpty { parts.append(GeminiWire.Part(text: text)) }
        for (position, call) in (message.tool_calls ?? []).enumerated() {
            toolNames[call.id] = call.function.name
            let args = try arguments(call.function.arguments, name: call.function.name)
            // No `id`: the Gemini API and Vertex v1 reject it in requests; calls and
            // responses are matched by name and order.
            let functionCall = GeminiWire.FunctionCall(id: nil, name: call.function.name, args: args)
            parts.append(
                GeminiWire.Part(functionCall: functionCall, thoughtSignature: thoughtSignature(call.id, position == 0))
            )
        }
        return parts
    }

    /// Tool arguments are a JSON string in OpenAI form and an object for Gemini (§0.4).
    private static func arguments(_ text: String, name: String) throws(UpstreamFailure) -> JSONValue {
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return .object([:]) }
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else {
            throw UpstreamFailure(
                kind: .invalidRequest,
                status: 400,
                message: "The arguments of a tool call to '\(name)' are not valid JSON.",
                param: "messages"
            )
        }
        if case .object = value { return value }
        return .object(["value": value])
    }

    /// A `tool` message becomes a `functionResponse` named after the call it answers (§0.4).
    private static func functionResponse(
        _ message: CanonicalMessage,
        toolNames: [String: String]
    ) throws(UpstreamFailure) -> GeminiWire.Part {
        let id = message.tool_call_id
        guard let name = id.flatMap({ toolNames[$0] }) ?? message.name else {
            throw UpstreamFailure(
                kind: .invalidRequest,
                status: 400,
                message:
                    "A tool message answers tool_call_id '\(id ?? "")', which no earlier assistant message called.",
                param: "messages"
            )
        }
        let text = message.textContent
        var response: JSONValue = .object(["content": .string(text)])
        if let parsed = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)), case .object = parsed {
            response = parsed
        }
        return GeminiWire.Part(functionResponse: GeminiWire.FunctionResponse(id: nil, name: name, response: response))
    }

    private static func declaration(_ tool: CanonicalTool) -> GeminiWire.FunctionDeclaration {
        var parameters = tool.function.parameters.flatMap(GeminiSchema.convert)
        // A function without arguments is declared without `parameters` (an empty OBJECT is rejected).
        if let object = parameters?.objectValue, object["properties"] == nil, object["anyOf"] == nil {
            parameters = nil
        }
        return GeminiWire.FunctionDeclaration(
            name: tool.function.name,
            description: tool.function.description,
            parameters: parameters
        )
    }

    private static func toolConfig(_ choice: CanonicalToolChoice) -> GeminiWire.ToolConfig {
        let config: GeminiWire.FunctionCallingConfig
        switch choice {
        case .none: config = .init(mode: "NONE")
        case .auto: config = .init(mode: "AUTO")
        case .required: config = .init(mode: "ANY")
        case .function(let name): config = .init(mode: "ANY", allowedFunctionNames: [name])
        }
        return GeminiWire.ToolConfig(functionCallingConfig: config)
    }

    private static func generationConfig(_ request: CanonicalChatRequest) -> GeminiWire.GenerationConfig {
        var config = GeminiWire.GenerationConfig()
        config.temperature = request.temperature
        config.topP = request.top_p
        config.maxOutputTokens = request.maxOutputTokens
        if let stop = request.stop?.values.filter({ !$0.isEmpty }), !stop.isEmpty {
            config.stopSequences = Array(stop.prefix(maxStopSequences))
        }
        if let n = request.n, n > 1 { config.candidateCount = n }
        config.seed = request.seed
        switch request.response_format?.type {
        case "json_object":
            config.responseMimeType = "application/json"
        case "json_schema":
            config.responseMimeType = "application/json"
            config.responseSchema = request.response_format?.json_schema?.schema.flatMap(GeminiSchema.convert)
        default:
            break
        }
        return config
    }
}
