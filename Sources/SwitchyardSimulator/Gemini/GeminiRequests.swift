/// Decodes any JSON value without keeping it: marks that a key was present.
struct PresentValue: Decodable {
    init(from decoder: any Decoder) throws {}
}

/// The fields of a Gemini generateContent request the simulator looks at.
struct GeminiGenerateRequest: Decodable {
    struct Content: Decodable {
        var role: String?
        var parts: [Part]?
    }
    struct Part: Decodable {
        var text: String?
        var functionCall: PresentValue?
        var functionResponse: PresentValue?
    }
    struct Tool: Decodable {
        struct Declaration: Decodable {
            var name: String
        }
        var functionDeclarations: [Declaration]?
    }
    struct ToolConfig: Decodable {
        struct FunctionCallingConfig: Decodable {
            var mode: String?
            var allowedFunctionNames: [String]?
        }
        var functionCallingConfig: FunctionCallingConfig?
    }
    struct GenerationConfig: Decodable {
        var maxOutputTokens: Int?
    }

    var contents: [Content]
    var tools: [Tool]?
    var toolConfig: ToolConfig?
    var generationConfig: GenerationConfig?

    /// The function to call: the allowed one or the first declared, unless tools are off or
    /// the conversation ends with function responses.
    var toolToCall: String? {
        let declared = tools?.compactMap { $0.functionDeclarations }.joined().map(\.name) ?? []
        guard let first = declared.first, let last = contents.last, last.role != "model" else { return nil }
        let config = toolConfig?.functionCallingConfig
        if config?.mode == "NONE" { return nil }
        if last.parts?.contains(where: { $0.functionResponse != nil }) == true { return nil }
        return config?.allowedFunctionNames?.first ?? first
    }
}

/// The fields of Gemini embedContent / batchEmbedContents requests.
struct GeminiEmbedRequest: Decodable {
    struct Content: Decodable {
        struct Part: Decodable {
            var text: String?
        }
        var parts: [Part]
    }
    struct Single: Decodable {
        var content: Content
        var outputDimensionality: Int?
    }

    var content: Content?
    var outputDimensionality: Int?
    var requests: [Single]?
}
