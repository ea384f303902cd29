import Foundation

/// Gemini `generateContent` wire types (providers.md §3.2–§3.6), shared with Vertex AI.
/// Optional fields are omitted from the JSON when nil.
enum GeminiWire {
    /// A `generateContent` / `streamGenerateContent` request body.
    struct Request: Codable, Equatable {
        var contents: [Content]
        var systemInstruction: Content?
        var tools: [Tool]?
        var toolConfig: ToolConfig?
        var generationConfig: GenerationConfig?
    }

    /// One turn (`role` `user` or `model`) or the system instruction (no role).
    struct Content: Codable, Equatable {
        var role: String?
        var parts: [Part]

        init(role: String?, parts: [Part]) {
            self.role = role
            self.parts = parts
        }

        /// Gemini omits `parts` on some final chunks (`{"role":"model"}`).
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            role = try container.decodeIfPresent(String.self, forKey: .role)
            parts = try container.decodeIfPresent([Part].self, forKey: .parts) ?? []
        }
    }

    /// One part of a turn; exactly one of the payload fields is set.
    struct Part: Codable, Equatable {
        var text: String?
        var inlineData: Blob?
        var fileData: FileData?
        var functionCall: FunctionCall?
        var functionResponse: FunctionResponse?
        /// Marks a thought-summary text part.
        var thought: Bool?
        var thoughtSignature: String?

        init(
            text: String? = nil,
            inlineData: Blob? = nil,
            fileData: FileData? = nil,
            functionCall: FunctionCall? = nil,
            functionResponse: FunctionResponse? = nil,
            thoughtSignature: String? = nil
        ) {
            self.text = text
            self.inlineData = inlineData
            self.fileData = fileData
            self.functionCall = functionCall
            self.functionResponse = functionResponse
            self.thoughtSignature = thoughtSignature
        }
    }

    /// `inlineData`: base64 bytes with their media type.
    struct Blob: Codable, Equatable {
        var mimeType: String
        var data: String
    }

    /// `fileData`: a URI the upstream fetches itself.
    struct FileData: Codable, Equatable {
        var mimeType: String?
        var fileUri: String
    }

    /// `functionCall`: arguments are a JSON object.
    struct FunctionCall: Codable, Equatable {
        var id: String?
        var name: String
        var args: JSONValue?
    }

    /// `functionResponse`: `response` must be a JSON object.
    struct FunctionResponse: Codable, Equatable {
        var id: String?
        var name: String
        var response: JSONValue
    }

    /// `tools[]` entry holding function declarations.
    struct Tool: Codable, Equatable {
        var functionDeclarations: [FunctionDeclaration]
    }

    /// One declared function; `parameters` is Gemini's OpenAPI-subset schema.
    struct FunctionDeclaration: Codable, Equatable {
        var name: String
        var description: String?
        var parameters: JSONValue?
    }

    /// `toolConfig`.
    struct ToolConfig: Codable, Equatable {
        var functionCallingConfig: FunctionCallingConfig
    }

    /// `toolConfig.functionCallingConfig`: `AUTO` | `ANY` | `NONE`, optionally a name list.
    struct FunctionCallingConfig: Codable, Equatable {
        var mode: String
        var allowedFunctionNames: [String]?
    }

    /// `generationConfig`.
    struct GenerationConfig: Codable, Equatable {
        var temperature: Double?
        var topP: Double?
        var maxOutputTokens: Int?
        var stopSequences: [String]?
        var candidateCount: Int?
        var seed: Int?
        var responseMimeType: String?
        var responseSchema: JSONValue?

        var isEmpty: Bool { self == GenerationConfig() }
    }

    /// A whole answer, or one stream chunk (which holds only the new parts).
    struct Response: Codable, Equatable {
        var candidates: [Candidate]?
        var promptFeedback: PromptFeedback?
        var usageMetadata: UsageMetadata?
        var modelVersion: String?
        var responseId: String?
        /// Set when a stream ends with an error object instead of an answer (§8.2).
        var error: ErrorBody.Detail?
    }

    /// One candidate answer.
    struct Candidate: Codable, Equatable {
        var content: Content?
        var finishReason: String?
        var index: Int?
    }

    /// Why a prompt was blocked (no candidates then).
    struct PromptFeedback: Codable, Equatable {
        var blockReason: String?
        var blockReasonMessage: String?
    }

    /// `usageMetadata` (thoughts are not inside `candidatesTokenCount`).
    struct UsageMetadata: Codable, Equatable {
        var promptTokenCount: Int?
        var candidatesTokenCount: Int?
        var thoughtsTokenCount: Int?
        var cachedContentTokenCount: Int?
        var toolUsePromptTokenCount: Int?
        var totalTokenCount: Int?
    }

    /// The Google RPC error body: `{"error":{code,message,status,details}}`.
    struct ErrorBody: Codable {
        var error: Detail?

        /// The `error` object.
        struct Detail: Codable, Equatable {
            var code: Int?
            var message: String?
            var status: String?
            var details: [ErrorDetail]?
        }

        /// One `details[]` entry (`RetryInfo`, `ErrorInfo`, ...): only the fields we read.
        struct ErrorDetail: Codable, Equatable {
            var type: String?
            var retryDelay: String?
            var reason: String?

            enum CodingKeys: String, CodingKey {
                case type = "@type"
                case retryDelay, reason
            }
        }
    }
}
