import NIOCore
import SwitchyardCore
import Testing

@testable import SwitchyardProviders

/// `usage` is read by a byte scan first (`OpenAIWire.scanUsage`), `JSONDecoder` second:
/// the scan must take the shapes providers send and agree with the decoder when it does.
@Suite("OpenAI usage scan agrees with JSONDecoder")
struct OpenAIUsageScanTests {
    static let taken: [(String, TokenUsage)] = [
        (#"{"prompt_tokens":12,"completion_tokens":34,"total_tokens":46}"#, TokenUsage(promptTokens: 12, completionTokens: 34)),
        (
            #"{"prompt_tokens":12,"completion_tokens":34,"total_tokens":46,"prompt_tokens_details":{"cached_tokens":8,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":5,"accepted_prediction_tokens":0}}"#,
            TokenUsage(promptTokens: 12, completionTokens: 34, cachedPromptTokens: 8)
        ),
        (#"{"prompt_tokens":3,"completion_tokens":null,"prompt_cache_hit_tokens":2,"prompt_tokens_details":null}"#, TokenUsage(promptTokens: 3, completionTokens: 0, cachedPromptTokens: 2)),
        (#" { "prompt_tokens" : 1 , "completion_tokens" : 2 , "queue_time": 0.05, "x": [1, {"y": "z"}] } "#, TokenUsage(promptTokens: 1, completionTokens: 2)),
        ("{}", TokenUsage(promptTokens: 0, completionTokens: 0)),
    ]

    @Test(arguments: taken)
    func plainShapesAreScanned(usage: String, expected: TokenUsage) throws {
        let scanned = try #require(ByteBuffer(string: usage).withUnsafeReadableBytes { OpenAIWire.scanUsage($0) })
        #expect(scanned.tokenUsage == expected)
        #expect(OpenAIWire.decodeUsage(ByteBuffer(string: usage)) == expected)
    }

    static let declined = [
        #"{"prompt_tokens":"12"}"#, #"{"prompt_tokens":1.0}"#, #"{"prompt_tokens":1e2}"#, #"{"prompt_tokens":1,"prompt_tokens":2}"#,
        #"{"prompt_tok\u0065ns":1}"#, #"{"prompt_tokens_details":{"cached_tokens":"x"}}"#, #"{"prompt_tokens_details":[]}"#,
        #"{"prompt_tokens":1,}"#, #"{"prompt_tokens":1} x"#, "[]", "", #"{"prompt_tokens":12345678901234567890}"#,
    ]

    @Test(arguments: declined)
    func otherShapesAreLeftToTheDecoder(usage: String) {
        #expect(ByteBuffer(string: usage).withUnsafeReadableBytes { OpenAIWire.scanUsage($0) } == nil)
        ParserDriver.usageScanAgrees(ByteBuffer(string: usage))
    }

    @Test func wholeAnswerUsage() {
        let body = #"{"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":"hi"}}],"usage":{"prompt_tokens":7,"completion_tokens":1}}"#
        #expect(OpenAIWire.usage(in: ByteBuffer(string: body)) == TokenUsage(promptTokens: 7, completionTokens: 1))
    }

    static let wholeAnswers: [(String, Bool, TokenUsage?)] = [
        (#"{"id":"x","choices":[],"usage":{"prompt_tokens":7,"completion_tokens":1}}"#, true, TokenUsage(promptTokens: 7, completionTokens: 1)),
        (#"{"id":"x","choices":[]}"#, true, nil),
        (#"{"id":"x","usage":null}"#, true, nil),
        (#"{"id":"x","note":"no \"usage\" here"}"#, true, nil),
        (#"{"us\u0061ge":{"prompt_tokens":7,"completion_tokens":1}}"#, true, nil),
        (#"{"usage":{"prompt_tokens":1},"usage":{"prompt_tokens":2}}"#, true, nil),
        (#"{"id":"x","usage":{"prompt_tokens":7}"#, false, nil),
        (#"{"id":"x"} trailing"#, false, nil),
        (#"{"usage":{"prompt_tokens":7,"completion_tokens":1}},"#, false, nil),
        ("[]", false, nil),
        ("", false, nil),
    ]

    /// A whole answer is checked and its usage read in one walk, with the readings of the
    /// plain check and `usage(in:)` (`usage` twice reads as none, as it always did).
    @Test(arguments: wholeAnswers)
    func wholeAnswerIsCheckedAndReadInOneWalk(body: String, wellFormed: Bool, usage: TokenUsage?) {
        let checked = OpenAIWire.check(wholeAnswer: ByteBuffer(string: body))
        #expect(checked.wellFormed == wellFormed)
        #expect(checked.usage == usage)
        ParserDriver.wholeAnswerCheckAgrees(ByteBuffer(string: body))
    }
}
