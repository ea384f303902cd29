/// Why a simulated reply ended; each protocol spells it its own way.
enum ReplyEnding: Sendable {
    case stop
    case length
    case toolCall
}

/// What a simulated chat answer will contain, decided from the request and the behaviour.
struct ChatPlan: Sendable {
    /// The model id echoed back.
    var model: String
    var stream: Bool
    /// OpenAI `stream_options.include_usage`.
    var includeUsage: Bool
    /// Estimated prompt tokens (request body bytes / 4).
    var promptTokens: Int
    /// Content tokens to send (0 for a tool call).
    var contentTokens: Int
    /// Name of the tool to call, when the answer is a tool call.
    var toolName: String?
    var ending: ReplyEnding

    /// Completion tokens reported in usage.
    var completionTokens: Int {
        toolName == nil ? contentTokens : 5
    }

    /// Number of paced chunks in a stream (content tokens, or tool argument fragments).
    var pacedChunks: Int {
        toolName == nil ? contentTokens : ReplyScript.toolArgumentFragments.count
    }

    init(
        model: String,
        stream: Bool,
        includeUsage: Bool = false,
        bodyBytes: Int,
        maxTokens: Int?,
        toolName: String?,
        options: SimulatorOptions
    ) {
        self.model = model
        self.stream = stream
        self.includeUsage = includeUsage
        self.promptTokens = max(1, bodyBytes / 4)
        self.toolName = toolName
        if toolName != nil {
            self.contentTokens = 0
            self.ending = .toolCall
        } else {
            let wanted = max(1, options.chunkCount)
            if let maxTokens, maxTokens >= 0, maxTokens < wanted {
                self.contentTokens = maxTokens
                self.ending = .length
            } else {
                self.contentTokens = wanted
                self.ending = .stop
            }
        }
    }
}
