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

    /// 2 000 canonical decodes + Anthropic, Gemini and Bedrock request translations.
    func testRequestTranslation() throws {
        measure {
            for _ in 0..<2_000 {
                guard let canonical = try? CanonicalJSON.decodeRequest(Self.body) else { return XCTFail("decode") }
                XCTAssertNotNil(try? AnthropicTranslator.request(canonical, upstreamModel: "claude-sonnet-4-5", stream: true, defaultMaxTokens: 4096))
                XCTAssertNotNil(try? GeminiTranslator.request(canonical))
                XCTAssertNotNil(try? BedrockTranslator.request(canonical, upstreamModel: "anthropic.claude-3-haiku-20240307-v1:0"))
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
}
