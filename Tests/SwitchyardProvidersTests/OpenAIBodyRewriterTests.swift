import Foundation
import NIOCore
import SwitchyardProviders
import Testing

@Suite("OpenAIBodyRewriter: splice model and stream_options, keep every other byte")
struct OpenAIBodyRewriterTests {
    static func rewrite(_ body: String, model: String = "gpt-4o-2024-08-06", forceUsage: Bool = false) -> String? {
        OpenAIBodyRewriter.rewrite(ByteBuffer(string: body), upstreamModel: model, forceUsage: forceUsage)
            .map { String(buffer: $0) }
    }

    static func object(_ json: String) throws -> [String: Any] {
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed])
        return try #require(parsed as? [String: Any])
    }

    /// A body exercising every way a naive scanner goes wrong.
    static let trickyBody = """
          {
          "messages": [
            {"role": "system", "content": "Say \\"}\\" and {\\"model\\": \\"evil\\"} \\\\ done"},
            {"role": "user", "content": [{"type": "text", "text": "a [ { ] } b \\u00e9 \\n"}]}
          ],
          "tools": [{"type": "function", "function": {"name": "f", "parameters": {"model": {"type": "string"}}}}],
        \t"metadata": {"model": "nested-not-top-level", "deep": [[{"model": 1}]]},
          "model"  :   "my-route",
          "temperature": 0.5, "n": 1, "logit_bias": {"50256": -100}, "stream": false,
          "unknown_vendor_field": {"x": [true, false, null, -1.5e3]}
        }\r\n
        """

    @Test func modelIsReplacedAndEveryOtherByteIsIdentical() throws {
        let output = try #require(Self.rewrite(Self.trickyBody))
        let expected = Self.trickyBody.replacingOccurrences(
            of: #""model"  :   "my-route""#, with: #""model"  :   "gpt-4o-2024-08-06""#)
        #expect(output == expected)
        let parsed = try Self.object(output)
        #expect(parsed["model"] as? String == "gpt-4o-2024-08-06")
        let metadata = try #require(parsed["metadata"] as? [String: Any])
        #expect(metadata["model"] as? String == "nested-not-top-level")
    }

    @Test func compactBodyWithModelFirst() {
        #expect(
            Self.rewrite(#"{"model":"route","messages":[{"role":"user","content":"hi"}]}"#, model: "m")
                == #"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#)
    }

    @Test func modelLastBeforeClosingBrace() {
        #expect(Self.rewrite(#"{"stream":true,"model":"a"}"#, model: "b") == #"{"stream":true,"model":"b"}"#)
    }

    @Test(arguments: [
        #"with "quotes" and \backslash"#, "tab\tnewline\nreturn\r", "control\u{01}\u{1F}",
        "accounts/fireworks/models/llama-v3p1-8b", "unicodé 模型 🚀",
    ])
    func modelNeedingEscapingStaysValidJSON(model: String) throws {
        let output = try #require(Self.rewrite(#"{"model":"x","messages":[]}"#, model: model))
        #expect(try Self.object(output)["model"] as? String == model)
    }

    @Test func nonStringModelValueIsReplaced() throws {
        let output = try #require(Self.rewrite(#"{"model": 42, "messages": []}"#, model: "m"))
        #expect(output == #"{"model": "m", "messages": []}"#)
    }

    @Test func missingModelIsInsertedFirst() throws {
        let output = try #require(Self.rewrite(#"{"messages":[]}"#, model: "m"))
        #expect(output == #"{"model":"m","messages":[]}"#)
        #expect(try Self.object(output).count == 2)
    }

    @Test func missingModelIsInsertedAfterLeadingWhitespace() throws {
        let output = try #require(Self.rewrite("\n\n  {\n  \"messages\": []\n}", model: "m"))
        #expect(output == "\n\n  {\"model\":\"m\",\n  \"messages\": []\n}")
    }

    @Test func emptyObjectGetsMembersWithoutTrailingComma() throws {
        #expect(Self.rewrite("{}", model: "m") == #"{"model":"m"}"#)
        let both = try #require(Self.rewrite("{ \n }", model: "m", forceUsage: true))
        #expect(both == "{\"model\":\"m\",\"stream_options\":{\"include_usage\":true} \n }")
        let parsed = try Self.object(both)
        #expect((parsed["stream_options"] as? [String: Any])?["include_usage"] as? Bool == true)
    }

    @Test func forceUsageInsertsStreamOptionsWhenAbsent() throws {
        let output = try #require(Self.rewrite(#"{"model":"r","stream":true}"#, model: "m", forceUsage: true))
        #expect(output == #"{"stream_options":{"include_usage":true},"model":"m","stream":true}"#)
    }

    @Test(arguments: [
        #"{"include_usage":false}"#, "null", #"{ "include_usage" : true }"#, "{}",
    ])
    func forceUsageReplacesStreamOptionsWhenPresent(existing: String) throws {
        let body = #"{"model":"r","stream_options":"# + existing + #","stream":true}"#
        let output = try #require(Self.rewrite(body, model: "m", forceUsage: true))
        #expect(output == #"{"model":"m","stream_options":{"include_usage":true},"stream":true}"#)
    }

    @Test func forceUsageWithBothMissing() throws {
        let output = try #require(Self.rewrite(#"{"stream":true}"#, model: "m", forceUsage: true))
        let parsed = try Self.object(output)
        #expect(parsed["model"] as? String == "m")
        #expect((parsed["stream_options"] as? [String: Any])?["include_usage"] as? Bool == true)
        #expect(parsed["stream"] as? Bool == true)
    }

    @Test func withoutForceUsageStreamOptionsAreUntouched() {
        let body = #"{"model":"r","stream_options":{"include_usage":false}}"#
        #expect(Self.rewrite(body, model: "m") == #"{"model":"m","stream_options":{"include_usage":false}}"#)
    }

    @Test func escapedModelKeyIsTheModelKey() throws {
        // JSON parsers read `"mod\u0065l"` as `model`; the client's value must not survive.
        let output = try #require(Self.rewrite(#"{"mod\u0065l":"client-choice","messages":[]}"#, model: "m"))
        #expect(output == #"{"mod\u0065l":"m","messages":[]}"#)
        #expect(try Self.object(output)["model"] as? String == "m")
    }

    @Test func duplicateModelKeysAreRefused() {
        #expect(Self.rewrite(#"{"model":"a","messages":[],"model":"b"}"#) == nil)
        #expect(Self.rewrite(#"{"model":"a","mod\u0065l":"b"}"#) == nil)
    }

    @Test(arguments: [
        "", "   ", "null", "[]", #"[{"model":"x"}]"#, #""model""#, "not json",
        #"{"model":"x""#, #"{"model":"x"#, #"{"model" "x"}"#, #"{"model":"x",}"#, #"{"model":}"#,
        #"{model:"x"}"#, #"{"a":[1,2}"#, #"{"model":"x"} trailing"#, #"{"a":1}{"b":2}"#, "{",
    ])
    func malformedInputGivesNil(body: String) {
        #expect(Self.rewrite(body) == nil)
        #expect(Self.rewrite(body, forceUsage: true) == nil)
    }

    @Test func resultIsAlwaysValidJSON() throws {
        let bodies = [
            Self.trickyBody, "{}", #"{"messages":[]}"#, #"{"model":null}"#, #"{"stream_options":null}"#,
            #"{"a":"\\","model":"x","b":"\""}"#,
        ]
        for body in bodies {
            for forceUsage in [false, true] {
                let output = try #require(Self.rewrite(body, model: #"m"\"#, forceUsage: forceUsage))
                let parsed = try Self.object(output)
                #expect(parsed["model"] as? String == #"m"\"#)
                if forceUsage {
                    #expect((parsed["stream_options"] as? [String: Any])?["include_usage"] as? Bool == true)
                }
            }
        }
    }

    @Test func theScanForOneOrTwoKeysFindsWhatTheDictionaryScanFinds() throws {
        let bodies = [
            #"{"model":"a","stream_options":{"include_usage":false},"x":1}"#,
            #" { "a" : [1, {"model": 2}] , "model":"x" } "#,
            #"{"mod\u0065l":"escaped","stream_\u006fptions":null}"#,
            #"{"model":"a","model":"b"}"#,
            #"{"stream_options":{},"stream_options":{}}"#,
            #"{"usage":{"prompt_tokens":1},"usage":null}"#,
            #"{"usage":{"prompt_tokens":1}}"#,
            #"{"mod\x":1}"#,
            #"{"model":"a",}"#,
            #"{}"#,
            #"[]"#,
            "",
        ]
        for body in bodies {
            let bytes = Array(body.utf8)
            let pair = JSONTopLevelScanner.scan(bytes, "model", "stream_options")
            let dictionary = JSONTopLevelScanner.scan(bytes, keys: ["model", "stream_options"])
            #expect((pair == nil) == (dictionary == nil), "\(body)")
            #expect(pair?.first == dictionary?["model"], "\(body)")
            #expect(pair?.second == dictionary?["stream_options"], "\(body)")
            let usage = JSONTopLevelScanner.scan(bytes, "usage")
            let usageDictionary = JSONTopLevelScanner.scan(bytes, keys: ["usage"])
            #expect((usage == nil) == (usageDictionary == nil), "\(body)")
            #expect(usage?.first == usageDictionary?["usage"], "\(body)")
            #expect(usage?.second == nil)
            ParserDriver.keyScansAgree(ByteBuffer(string: body))
        }
        // Escaped keys are the keys they spell; a duplicate declines.
        let escaped = try #require(JSONTopLevelScanner.scan(Array(bodies[2].utf8), "model", "stream_options"))
        #expect(escaped.first != nil && escaped.second != nil)
        #expect(JSONTopLevelScanner.scan(Array(bodies[3].utf8), "model") == nil)
        #expect(JSONTopLevelScanner.scan(Array(bodies[3].utf8), "usage") != nil)
        #expect(JSONTopLevelScanner.scan(Array(bodies[4].utf8), "model") != nil)
        #expect(JSONTopLevelScanner.scan(Array(bodies[4].utf8), "model", "stream_options") == nil)
    }

    @Test func scannerReportsMemberAndValueRanges() throws {
        let text = #" { "a" : [1, {"model": 2}] , "model":"x" } "#
        let bytes = Array(text.utf8)
        let members = try #require(JSONTopLevelScanner.scan(bytes, keys: ["model", "absent"]))
        let model = try #require(members["model"])
        #expect(String(decoding: bytes[model.member], as: UTF8.self) == #""model":"x""#)
        #expect(String(decoding: bytes[model.value], as: UTF8.self) == #""x""#)
        #expect(members["absent"] == nil)
        #expect(members.count == 1)
    }
}
