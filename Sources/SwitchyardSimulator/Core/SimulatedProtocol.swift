/// The provider wire protocol a simulator speaks.
public enum SimulatedProtocol: String, Sendable, CaseIterable, Codable {
    /// OpenAI Chat Completions, Embeddings and Models (`/v1/chat/completions`, ...).
    case openai
    /// Anthropic Messages (`/v1/messages`).
    case anthropic
    /// Google Gemini API (`/v1beta/models/{model}:generateContent`).
    case gemini
    /// AWS Bedrock Runtime Converse and ConverseStream (`/model/{id}/converse`).
    case bedrock
}
