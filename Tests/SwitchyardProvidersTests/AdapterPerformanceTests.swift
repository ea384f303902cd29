import Foundation
import NIOCore
import XCTest

@testable import SwitchyardProviders

/// Timings of each adapter's request and chunk translation; no assertions on time. Run with
/// `SWITCHYARD_BENCH=1 swift test -c release --filter PerformanceTests`.
final class AdapterPerformanceTests: XCTestCase {
    static let body = ByteBuffer(
        string: #"{"model":"m","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Weather in Paris?"},{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},{"role":"tool","tool_call_id":"call_1","content":"{\"temp_c\":21}"}],"tools":[{"type":"function","function":{"name":"get_weather","description":"Current weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}],"temperature":0.2,"max_tokens":128}"#
    )

    override func setUpWithError() throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["SWITCHYARD_BENCH"] == "1", "run with SWITCHYARD_BENCH=1")
    }

    /// 2 000 canonical decodes + Anthropic, Gemini, Bedrock and Cohere request translations.
    func testRequestTranslation() throws {
        measure {
            for _ in 0..<2_000 {
                guard let canonical = try? CanonicalJSON.decodeRequest(Self.body) else { return XCTFail("decode") }
                XCTAssertNotNil(try? AnthropicTranslator.request(canonical, upstreamModel: "claude-sonnet-4-5", stream: true, defaultMaxTokens: 4096))
                XCTAssertNotNil(try? GeminiTranslator.request(canonical))
                XCTAssertNotNil(try? BedrockTranslator.request(canonical, upstreamModel: "anthropic.claude-3-haiku-20240307-v1:0"))
                XCTAssertNotNil(try? CohereTranslator.request(canonical, upstreamModel: "command-a-03-2025", stream: true))
            }
        }
    }

    /// 64-delta Anthropic streams translated to canonical chunks, 100 times.
    func testAnthropicChunkTranslation() throws {
        var events = [ByteBuffer(string: #"{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"usage":{"input_tokens":10,"output_tokens":1}}}"#)]
        events.append(ByteBuffer(string: #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#))
        for index in 0..<64 {
            events.append(ByteBuffer(string: #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"tok\#(index) "}}"#))
        }
        events.append(ByteBuffer(string: #"{"type":"content_block_stop","index":0}"#))
        events.append(ByteBuffer(string: #"{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":64}}"#))
        events.append(ByteBuffer(string: #"{"type":"message_stop"}"#))
        measure {
            for _ in 0..<100 {
                var translator = AnthropicStreamTranslator(created: 0, fallbackModel: "m", jsonToolName: nil)
                var produced = 0
                for event in events {
                    produced += (try? translator.consume(event))?.count ?? 0
                }
                XCTAssertGreaterThan(produced, 64)
            }
        }
    }

    /// 64-part Gemini streams (each object decoded as `GeminiStreamSource` does, then
    /// translated) to canonical chunks, 100 times.
    func testGeminiChunkTranslation() throws {
        var objects: [ByteBuffer] = []
        for index in 0..<64 {
            objects.append(ByteBuffer(string: #"{"candidates":[{"content":{"parts":[{"text":"tok\#(index) "}],"role":"model"},"index":0}],"usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":\#(index + 1),"totalTokenCount":\#(index + 10)},"modelVersion":"gemini-2.5-flash","responseId":"r1"}"#))
        }
        objects.append(ByteBuffer(string: #"{"candidates":[{"content":{"parts":[{"text":""}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":64,"totalTokenCount":73},"modelVersion":"gemini-2.5-flash","responseId":"r1"}"#))
        let decoder = JSONDecoder()
        measure {
            for _ in 0..<100 {
                var translator = GeminiStreamTranslator(model: "m", created: 0)
                var produced = 0
                for object in objects {
                    guard let response = try? decoder.decode(GeminiWire.Response.self, from: object) else { return XCTFail("decode") }
                    produced += (try? translator.consume(response))?.count ?? 0
                }
                produced += (try? translator.finish())?.count ?? 0
                XCTAssertGreaterThan(produced, 64)
            }
        }
    }

    /// 64-delta Bedrock ConverseStream bodies (binary event-stream frames, CRCs checked)
    /// decoded and translated to canonical chunks, 100 times.
    func testBedrockChunkTranslation() throws {
        func event(_ type: String, _ json: String) -> EventStreamMessage {
            EventStreamMessage(
                headers: [.string(":event-type", type), .string(":content-type", "application/json"), .string(":message-type", "event")],
                payload: ByteBuffer(string: json)
            )
        }
        var body = ByteBuffer()
        EventStreamEncoder.encode(event("messageStart", #"{"role":"assistant"}"#), into: &body)
        for index in 0..<64 {
            EventStreamEncoder.encode(event("contentBlockDelta", #"{"contentBlockIndex":0,"delta":{"text":"tok\#(index) "}}"#), into: &body)
        }
        EventStreamEncoder.encode(event("contentBlockStop", #"{"contentBlockIndex":0}"#), into: &body)
        EventStreamEncoder.encode(event("messageStop", #"{"stopReason":"end_turn"}"#), into: &body)
        EventStreamEncoder.encode(event("metadata", #"{"usage":{"inputTokens":25,"outputTokens":64,"totalTokens":89},"metrics":{"latencyMs":812}}"#), into: &body)
        measure {
            for _ in 0..<100 {
                var decoder = EventStreamDecoder()
                decoder.feed(body)
                var translator = BedrockStreamTranslator(id: "chatcmpl-1", created: 0, model: "m", jsonToolName: nil)
                var produced = 0
                while let message = try? decoder.next() {
                    produced += (try? translator.consume(message))?.count ?? 0
                }
                XCTAssertGreaterThan(produced, 64)
            }
        }
    }

    /// 64-delta Cohere v2 streams translated to canonical chunks, 100 times.
    func testCohereChunkTranslation() throws {
        var events = [ByteBuffer(string: #"{"type":"message-start","id":"m1","delta":{"message":{"role":"assistant","content":[],"tool_plan":"","tool_calls":[],"citations":[]}}}"#)]
        events.append(ByteBuffer(string: #"{"type":"content-start","index":0,"delta":{"message":{"content":{"type":"text","text":""}}}}"#))
        for index in 0..<64 {
            events.append(ByteBuffer(string: #"{"type":"content-delta","index":0,"delta":{"message":{"content":{"text":"tok\#(index) "}}}}"#))
        }
        events.append(ByteBuffer(string: #"{"type":"content-end","index":0}"#))
        events.append(ByteBuffer(string: #"{"type":"message-end","delta":{"finish_reason":"COMPLETE","usage":{"billed_units":{"input_tokens":3,"output_tokens":64},"tokens":{"input_tokens":70,"output_tokens":64}},"error":null}}"#))
        measure {
            for _ in 0..<100 {
                var translator = CohereStreamTranslator(created: 0, model: "m")
                var produced = 0
                for event in events {
                    produced += (try? translator.consume(event))?.count ?? 0
                }
                XCTAssertGreaterThan(produced, 64)
            }
        }
    }
}
