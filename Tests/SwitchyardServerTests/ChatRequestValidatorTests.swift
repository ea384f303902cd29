import NIOCore
import SwitchyardCore
import Testing

@testable import SwitchyardServer

@Suite("ChatRequestValidator: 400s that name the field, summary for routing")
struct ChatRequestValidatorTests {
    static func validate(_ body: String) throws(GatewayError) -> ChatRequestSummary {
        try ChatRequestValidator.validate(ByteBuffer(string: body))
    }

    /// The error for `body`, or nil if it validated.
    static func rejection(_ body: String) -> GatewayError? {
        do {
            _ = try validate(body)
            return nil
        } catch {
            return error
        }
    }

    static let hello = #"[{"role":"user","content":"Hello"}]"#

    @Test func minimalRequest() throws {
        let summary = try Self.validate(#"{"model":"gpt-4o","messages":\#(Self.hello)}"#)
        #expect(summary == ChatRequestSummary(model: "gpt-4o", stream: false, includeUsage: false, maxTokens: nil))
    }

    @Test func fullRequestWithUnknownFieldsAndEveryRole() throws {
        let body = """
            {"model": "support-bot", "stream": true, "stream_options": {"include_usage": true},
             "max_tokens": 100, "temperature": 0, "top_p": 1, "n": 1, "seed": 7, "presence_penalty": -0.5,
             "frequency_penalty": 0.5, "vendor_extension": {"anything": [1, "two"]},
             "messages": [
               {"role": "system", "content": "Be brief."},
               {"role": "developer", "content": "Really brief."},
               {"role": "user", "content": [{"type": "text", "text": "Hi"},
                                            {"type": "image_url", "image_url": {"url": "data:,"}}]},
               {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function",
                 "function": {"name": "f", "arguments": "{}"}}]},
               {"role": "tool", "tool_call_id": "call_1", "content": "42"},
               {"role": "function", "name": "f", "content": "42"},
               {"role": "assistant"}
             ]}
            """
        let summary = try Self.validate(body)
        #expect(summary == ChatRequestSummary(model: "support-bot", stream: true, includeUsage: true, maxTokens: 100))
    }

    @Test func integralFloatIsAnInteger() throws {
        #expect(try Self.validate(#"{"model":"m","messages":\#(Self.hello),"max_tokens":64.0}"#).maxTokens == 64)
    }

    @Test func maxCompletionTokensWinsOverMaxTokens() throws {
        let summary = try Self.validate(
            #"{"model":"m","messages":\#(Self.hello),"max_tokens":10,"max_completion_tokens":20}"#)
        #expect(summary.maxTokens == 20)
    }

    @Test(arguments: [
        (#""stream":true,"stream_options":{"include_usage":true}"#, true, true),
        (#""stream":true,"stream_options":{"include_usage":false}"#, true, false),
        (#""stream":true,"stream_options":{}"#, true, false),
        (#""stream":true,"stream_options":null"#, true, false),
        (#""stream":true"#, true, false),
        (#""stream":false,"stream_options":{"include_usage":true}"#, false, false),
        (#""stream_options":{"include_usage":true}"#, false, false),
        (#""stream":null"#, false, false),
    ])
    func includeUsageOnlyHonouredWithStream(fields: String, stream: Bool, includeUsage: Bool) throws {
        let summary = try Self.validate(#"{"model":"m","messages":\#(Self.hello),\#(fields)}"#)
        #expect(summary.stream == stream)
        #expect(summary.includeUsage == includeUsage)
    }

    @Test(arguments: ["", "{", "not json", #"{"model":"m","messages":[}"#, #"{"model" "m"}"#, "\u{FF}"])
    func malformedJSON(body: String) throws {
        let error = try #require(Self.rejection(body))
        #expect(error.code == .invalidRequest)
        #expect(error.status == 400)
        #expect(error.type == "invalid_request_error")
        #expect(error.param == nil)
        #expect(error.message == "We could not parse the JSON body of your request.")
    }

    @Test(arguments: ["[]", "null", "42", #""model""#])
    func bodyThatIsNotAnObject(body: String) throws {
        let error = try #require(Self.rejection(body))
        #expect(error.status == 400)
        #expect(error.param == nil)
        #expect(error.message == "The request body must be a JSON object.")
    }

    @Test(arguments: [
        (#"{"messages":[{"role":"user","content":"hi"}]}"#, "model"),
        (#"{"model":"m"}"#, "messages"),
        (#"{"model":"m","messages":[{"content":"hi"}]}"#, "messages[0].role"),
        (#"{"model":"m","messages":[{"role":"user","content":[{"text":"hi"}]}]}"#, "messages[0].content"),
    ])
    func missingRequiredParameter(body: String, param: String) throws {
        let error = try #require(Self.rejection(body))
        #expect(error.status == 400)
        #expect(error.param == param)
        #expect(error.message.contains(param))
    }

    @Test(arguments: [
        (#"{"model":"m","messages":"hello"}"#, "messages"),
        (#"{"model":42,"messages":[{"role":"user","content":"hi"}]}"#, "model"),
        (#"{"model":null,"messages":[{"role":"user","content":"hi"}]}"#, "model"),
        (#"{"model":"m","messages":[{"role":"user","content":42}]}"#, "messages[0].content"),
        (#"{"model":"m","messages":[{"role":"user","content":"a"},{"role":"user","content":{"x":1}}]}"#, "messages[1].content"),
        (#"{"model":"m","messages":[{"role":7,"content":"hi"}]}"#, "messages[0].role"),
        (#"{"model":"m","messages":["hi"]}"#, "messages[0]"),
        (#"{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":"true"}"#, "stream"),
        (#"{"model":"m","messages":[{"role":"user","content":"hi"}],"temperature":"0.7"}"#, "temperature"),
        (#"{"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":1.5}"#, "max_tokens"),
        (#"{"model":"m","messages":[{"role":"user","content":"hi"}],"n":"2"}"#, "n"),
        (#"{"model":"m","messages":[{"role":"user","content":"hi"}],"seed":1e300}"#, "seed"),
        (#"{"model":"m","messages":[{"role":"user","content":"hi"}],"stream_options":{"include_usage":"yes"}}"#,
         "stream_options.include_usage"),
    ])
    func wrongTypesNameTheField(body: String, param: String) throws {
        let error = try #require(Self.rejection(body))
        #expect(error.code == .invalidRequest)
        #expect(error.status == 400)
        #expect(error.param == param)
        #expect(error.message.contains("'\(param)'"))
    }

    @Test func emptyModel() throws {
        let error = try #require(Self.rejection(#"{"model":"","messages":\#(Self.hello)}"#))
        #expect(error.param == "model")
    }

    @Test func emptyMessages() throws {
        let error = try #require(Self.rejection(#"{"model":"m","messages":[]}"#))
        #expect(error.param == "messages")
        #expect(error.message == "'messages' must contain at least one message.")
    }

    @Test func invalidRoleNamesItsIndex() throws {
        let body = #"{"model":"m","messages":[{"role":"user","content":"a"},{"role":"robot","content":"b"}]}"#
        let error = try #require(Self.rejection(body))
        #expect(error.param == "messages[1].role")
        #expect(error.message == "'robot' is not a valid role.")
    }

    @Test func invalidRoleIsBoundedInTheMessage() throws {
        let role = String(repeating: "r", count: 500)
        let error = try #require(Self.rejection(#"{"model":"m","messages":[{"role":"\#(role)","content":"b"}]}"#))
        #expect(error.message.count < 100)
    }

    @Test(arguments: [0, -1])
    func nBelowOne(n: Int) throws {
        let error = try #require(Self.rejection(#"{"model":"m","messages":\#(Self.hello),"n":\#(n)}"#))
        #expect(error.param == "n")
    }

    @Test func pathRendering() {
        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int?
            init(stringValue: String) { self.stringValue = stringValue }
            init(intValue: Int) {
                self.stringValue = String(intValue)
                self.intValue = intValue
            }
        }
        let path: [any CodingKey] = [Key(stringValue: "messages"), Key(intValue: 2), Key(stringValue: "content"), Key(intValue: 0), Key(stringValue: "type")]
        #expect(RequestDecodingError.render(path) == "messages[2].content[0].type")
        #expect(RequestDecodingError.render([]) == "")
    }
}

/// The byte scan (`ChatRequestScan`) is the fast path of the validator: it must take the
/// common shapes itself, and whatever it accepts the decoder must read the same way.
@Suite("ChatRequestScan: the validator's fast path agrees with JSONDecoder")
struct ChatRequestScanTests {
    static let hello = ChatRequestValidatorTests.hello

    /// Request shapes clients send every day: the scan must take them without the decoder.
    static let common: [String] = [
        #"{"model":"gpt-4o","messages":\#(hello)}"#,
        #"{"model":"bench","messages":[{"role":"user","content":"benchmark"}],"max_tokens":8}"#,
        """
        {"model": "support-bot", "stream": true, "stream_options": {"include_usage": true},
         "max_tokens": 100, "temperature": 0.7, "top_p": 1, "n": 1, "seed": 7, "presence_penalty": -0.5,
         "frequency_penalty": 0.5, "vendor_extension": {"anything": [1, "two", true, null, -2.5e3]},
         "messages": [
           {"role": "system", "content": "Be brief.\\n\\"Really\\" \\u00e9t\\u00e9 \\ud83d\\ude00"},
           {"role": "user", "content": [{"type": "text", "text": "Hi"},
                                        {"type": "image_url", "image_url": {"url": "data:,"}}]},
           {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function",
             "function": {"name": "f", "arguments": "{}"}}]},
           {"role": "tool", "tool_call_id": "call_1", "content": "42"},
           {"role": "developer", "content": "été 😀 日本語"}, {"role": "function", "name": "f", "content": "42"},
           {"role": "assistant"}
         ]}
        """,
        #"{"model":"m","messages":\#(hello),"stream":false,"stream_options":null,"max_completion_tokens":20,"max_tokens":10}"#,
        #"  {"messages":\#(hello),"model":"anthropic/claude-sonnet-4","tools":[],"tool_choice":"auto"}  "#,
    ]

    @Test(arguments: common)
    func commonShapesTakeTheFastPath(body: String) throws {
        let scanned = try #require(ChatRequestScan.summary(ByteBuffer(string: body)))
        #expect(scanned == (try ChatRequestValidator.decode(ByteBuffer(string: body))))
    }

    /// Valid or not, the scan declines these; the decoder decides (and names the field).
    static let declined: [String] = [
        "", "{", "[]", "null", "42", #""model""#, "not json", "\u{FF}",
        #"{"model":"m","messages":[}"#, #"{"model" "m"}"#, #"{"model":"m","messages":\#(hello),}"#,
        #"{"model":"m","messages":\#(hello)} x"#, #"{"model":"","messages":\#(hello)}"#,
        #"{"model":"m","messages":[]}"#, #"{"model":"m"}"#, #"{"messages":\#(hello)}"#,
        #"{"model":"m","model":"n","messages":\#(hello)}"#, #"{"mod\u0065l":"m","messages":\#(hello)}"#,
        #"{"model":"m\u0065","messages":\#(hello)}"#, #"{"model":42,"messages":\#(hello)}"#,
        #"{"model":null,"messages":\#(hello)}"#, #"{"model":"m","messages":"hello"}"#,
        #"{"model":"m","messages":["hi"]}"#, #"{"model":"m","messages":[{"content":"hi"}]}"#,
        #"{"model":"m","messages":[{"role":"robot","content":"hi"}]}"#,
        #"{"model":"m","messages":[{"role":"user","role":"user","content":"hi"}]}"#,
        #"{"model":"m","messages":[{"role":"user","content":42}]}"#,
        #"{"model":"m","messages":[{"role":"user","content":{"x":1}}]}"#,
        #"{"model":"m","messages":[{"role":"user","content":[{"text":"hi"}]}]}"#,
        #"{"model":"m","messages":[{"role":"user","content":[{}]}]}"#,
        #"{"model":"m","messages":[{"role":"user","content":[{"type":null}]}]}"#,
        #"{"model":"m","messages":\#(hello),"stream":"true"}"#, #"{"model":"m","messages":\#(hello),"temperature":"0.7"}"#,
        #"{"model":"m","messages":\#(hello),"max_tokens":1.5}"#, #"{"model":"m","messages":\#(hello),"max_tokens":64.0}"#,
        #"{"model":"m","messages":\#(hello),"n":"2"}"#, #"{"model":"m","messages":\#(hello),"n":0}"#,
        #"{"model":"m","messages":\#(hello),"n":-1}"#, #"{"model":"m","messages":\#(hello),"seed":1e300}"#,
        #"{"model":"m","messages":\#(hello),"temperature":1e999}"#, #"{"model":"m","messages":\#(hello),"max_tokens":01}"#,
        #"{"model":"m","messages":\#(hello),"max_tokens":1234567890123456789012}"#,
        #"{"model":"m","messages":\#(hello),"stream_options":{"include_usage":"yes"}}"#,
        #"{"model":"m","messages":\#(hello),"stream_options":[]}"#,
        #"{"model":"m","messages":\#(hello),"x":"\ud800"}"#, #"{"model":"m","messages":\#(hello),"x":"\udc00\ud800"}"#,
        #"{"model":"m","messages":\#(hello),"x":"\q"}"#, "{\"model\":\"m\",\"messages\":\(hello),\"x\":\"a\u{1}b\"}",
        #"{"model":"m","messages":\#(hello),"x":[1,]}"#, #"{"model":"m","messages":\#(hello),"x":tru}"#,
        #"{"model":"m","messages":\#(hello),"x":-}"#, #"{"model":"m","messages":\#(hello),"x":1.}"#,
        #"{"model":"m","messages":\#(hello),"x":"# + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}",
    ]

    @Test(arguments: declined)
    func declinedBodiesGoToTheDecoder(body: String) {
        #expect(ChatRequestScan.summary(ByteBuffer(string: body)) == nil)
    }

    @Test func invalidUTF8IsDeclined() {
        for bytes: [UInt8] in [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80], [0xFF]] {
            var body = ByteBuffer(string: #"{"model":"m","messages":\#(Self.hello),"x":""#)
            body.writeBytes(bytes)
            body.writeString("\"}")
            #expect(ChatRequestScan.summary(body) == nil)
        }
    }

    /// Every body either path sees here: when the scan accepts, the decoder agrees.
    @Test func scanNeverAcceptsWhatTheDecoderReadsDifferently() {
        for body in Self.common + Self.declined {
            IngressParserDriver.chatRequestScanAgrees(ByteBuffer(string: body))
        }
    }
}
