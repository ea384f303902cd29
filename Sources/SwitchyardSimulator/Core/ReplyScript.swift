/// The deterministic text a simulator answers with, one token per stream chunk.
///
/// The first tokens spell `Hello from <name>!` so a test can tell which simulator answered;
/// filler words follow. Tokens are JSON-escaped once, at start.
struct ReplyScript: Sendable {
    /// Escaped token texts; a reply of n tokens uses `token(i)` for i in 0..<n.
    let escapedTokens: [String]
    /// Plain token texts (for byte counts and tests).
    let plainTokens: [String]

    static let filler = [" The", " quick", " brown", " fox", " jumps", " over", " the", " lazy", " dog", "."]

    /// The arguments of every simulated tool call, as JSON text, and its stream fragments.
    static let toolArguments = "{\"simulated\":true}"
    static let toolArgumentFragments = ["{\"simulated\":", "true}"]

    init(name: String) {
        let plain = ["Hello", " from", " \(name)!"] + Self.filler
        self.plainTokens = plain
        self.escapedTokens = plain.map(JSONText.escape)
    }

    /// The escaped text of token `i`; after the greeting the filler repeats.
    func token(_ i: Int) -> String {
        if i < escapedTokens.count { return escapedTokens[i] }
        let greeting = escapedTokens.count - Self.filler.count
        return escapedTokens[greeting + (i - greeting) % Self.filler.count]
    }

    /// The escaped text of the first `count` tokens joined.
    func text(tokens count: Int) -> String {
        var out = ""
        for i in 0..<max(0, count) { out += token(i) }
        return out
    }
}
