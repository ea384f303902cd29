import SwitchyardCore

/// How one OpenAI-compatible provider deviates from OpenAI (providers.md §7), as data: the
/// request members to drop, rename or rewrite, and whether it takes `stream_options`.
/// `PresetBodyRewriter` applies it by splicing; `openai` itself has no deviations.
public struct OpenAICompatiblePreset: Sendable, Equatable {
    /// Extra members dropped for models whose id matches (xAI reasoning models).
    public struct ModelRule: Sendable, Equatable {
        /// Lowercased id prefixes (compared after any `vendor/` part).
        public var prefixes: [String]
        /// Lowercased substrings that exempt a model the prefixes matched.
        public var excluding: [String]
        public var drop: Set<String>

        public init(prefixes: [String], excluding: [String] = [], drop: Set<String>) {
            self.prefixes = prefixes
            self.excluding = excluding
            self.drop = drop
        }

        /// Whether the rule applies to `model`.
        public func matches(_ model: String) -> Bool {
            let lowered = model.lowercased()
            let bare = lowered.split(separator: "/").last.map(String.init) ?? lowered
            return prefixes.contains(where: bare.hasPrefix) && !excluding.contains(where: lowered.contains)
        }
    }

    /// A member whose value, when it is exactly the JSON literal `from`, becomes `to`
    /// (nil: the member is dropped).
    public struct ValueRewrite: Sendable, Equatable {
        public var key: String
        public var from: String
        public var to: String?

        public init(key: String, from: String, to: String?) {
            self.key = key
            self.from = from
            self.to = to
        }
    }

    /// What happens to `name` on messages.
    public enum MessageNames: Sendable, Equatable {
        case keep
        /// Dropped on every message (Groq answers 400 to it).
        case drop
        /// Dropped except on `tool` messages (Mistral).
        case dropExceptTool
    }

    /// How tool-call ids in the conversation are sent.
    public enum ToolCallIDs: Sendable, Equatable {
        case passThrough
        /// Rewritten deterministically to 9 characters of `[a-zA-Z0-9]` (Mistral).
        case nineAlphanumeric
    }

    public var wire: ProviderProtocol
    /// Top-level members dropped for every model.
    public var drop: Set<String> = []
    /// When set, only these top-level members are sent (APIs that reject unknown fields).
    public var allowOnly: Set<String>?
    /// Top-level members sent under another name (`seed` → `random_seed`).
    public var rename: [String: String] = [:]
    public var modelRules: [ModelRule] = []
    public var valueRewrites: [ValueRewrite] = []
    /// Members dropped unless their value is exactly this literal (Groq: `n` other than 1).
    public var dropUnless: [String: String] = [:]
    /// `temperature` is clamped into this range.
    public var temperatureRange: ClosedRange<Double>?
    /// Top-level members whose value is `null` are dropped.
    public var dropNulls = false
    /// Whether the API accepts `stream_options` (if not, it is dropped and usage is read
    /// from wherever the provider puts it, or is absent).
    public var acceptsStreamOptions = true
    public var messageNames: MessageNames = .keep
    public var toolCallIDs: ToolCallIDs = .passThrough
    /// Message `content` made only of text parts is sent as one string (string-only APIs).
    public var flattenTextContent = false
    /// `response_format: {"type":"json_schema","json_schema":{"schema":S}}` is sent as
    /// `{"type":"json_object","schema":S}` (Fireworks).
    public var schemaAsJSONObject = false

    public init(wire: ProviderProtocol) {
        self.wire = wire
    }

    /// Whether a request needs more than the `model` splice.
    public var hasRequestDeviations: Bool {
        !drop.isEmpty || allowOnly != nil || !rename.isEmpty || !modelRules.isEmpty || !valueRewrites.isEmpty
            || !dropUnless.isEmpty || temperatureRange != nil || dropNulls || !acceptsStreamOptions
            || messageNames != .keep || toolCallIDs != .passThrough || flattenTextContent || schemaAsJSONObject
    }

    /// Every member dropped for `model`: the fixed list plus matching model rules.
    func dropped(for model: String) -> Set<String> {
        var result = drop
        for rule in modelRules where rule.matches(model) { result.formUnion(rule.drop) }
        return result
    }
}
