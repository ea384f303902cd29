import Foundation
import Testing

@testable import SwitchyardSimulator

@Suite("Bedrock simulator")
struct BedrockSimulatorTests {
    static let body = #"{"messages":[{"role":"user","content":[{"text":"Hi"}]}],"inferenceConfig":{"maxTokens":64}}"#
    static let model = "/model/anthropic.claude-3-haiku-20240307-v1%3A0"

    @Test func crcCheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test func encoderMatchesGoldenFrame() throws {
        let payload = Array(#"{"contentBlockIndex":0,"delta":{"text":"Hi"},"p":"abcd"}"#.utf8)
        let frame = EventStreamFrame.encode(
            headers: [(":event-type", "contentBlockDelta"), (":content-type", "application/json"), (":message-type", "event")],
            payload: payload
        )
        let hex = frame.readableBytesView.map { String(format: "%02x", $0) }.joined()
        let golden = "0000009f00000057c37babff0b3a6576656e742d74797065070011636f6e74656e74426c6f636b44656c7461"
            + "0d3a636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e0d3a6d6573736167652d74"
            + "7970650700056576656e747b22636f6e74656e74426c6f636b496e646578223a302c2264656c7461223a7b22"
            + "74657874223a224869227d2c2270223a2261626364227df2ace5ff"
        #expect(hex == golden)
        let exception = EventStreamFrame.exception("throttlingException", message: "Too many requests, please wait before trying again.")
        let exceptionHex = exception.readableBytesView.map { String(format: "%02x", $0) }.joined()
        #expect(exceptionHex.hasPrefix("000000b2000000613590d5d3"))
        #expect(exceptionHex.hasSuffix("e8ffb26a"))
        var flipped = Array(frame.readableBytesView)
        flipped[40] ^= 0x01
        #expect(throws: FrameError.messageCRC) { try decodeFrames(flipped) }
    }

    @Test func converseResponseShape() async throws {
        try await withSimulator(.init(protocol: .bedrock, name: "epsilon")) { sim in
            let reply = try await send(sim.baseURL + Self.model + "/converse", json: Self.body)
            #expect(reply.status == 200)
            #expect(reply.headers["x-amzn-requestid"].first != nil)
            let json = try reply.json()
            let message = try #require((json["output"] as? [String: Any])?["message"] as? [String: Any])
            #expect(message["role"] as? String == "assistant")
            let text = (message["content"] as? [[String: Any]])?.first?["text"] as? String
            #expect(text?.hasPrefix("Hello from epsilon!") == true)
            #expect(json["stopReason"] as? String == "end_turn")
            let usage = try #require(json["usage"] as? [String: Any])
            #expect(usage["outputTokens"] as? Int == 16)
            #expect(usage["totalTokens"] as? Int == (usage["inputTokens"] as? Int ?? 0) + 16)
            #expect((json["metrics"] as? [String: Any])?["latencyMs"] is Int)
        }
    }

    @Test func converseStreamFramesDecodeWithValidCRCs() async throws {
        try await withSimulator(.init(protocol: .bedrock, chunkCount: 4)) { sim in
            let reply = try await send(sim.baseURL + Self.model + "/converse-stream", json: Self.body)
            #expect(reply.status == 200)
            #expect(reply.headers["content-type"].first == "application/vnd.amazon.eventstream")
            let frames = try decodeFrames(reply.body)
            #expect(frames.allSatisfy { $0.headers[":message-type"] == "event" && $0.headers[":content-type"] == "application/json" })
            let types = frames.compactMap { $0.headers[":event-type"] }
            #expect(
                types == ["messageStart"] + Array(repeating: "contentBlockDelta", count: 4)
                    + ["contentBlockStop", "messageStop", "metadata"]
            )
            let payloads = try frames.map { try #require(try JSONSerialization.jsonObject(with: Data($0.payload)) as? [String: Any]) }
            #expect(payloads.allSatisfy { $0["p"] is String })
            #expect(payloads[0]["role"] as? String == "assistant")
            let text = payloads[1...4].compactMap { ($0["delta"] as? [String: Any])?["text"] as? String }.joined()
            #expect(text == "Hello from sim-bedrock! The")
            #expect(payloads[6]["stopReason"] as? String == "end_turn")
            #expect(((payloads[7]["usage"] as? [String: Any])?["outputTokens"]) as? Int == 4)
        }
    }

    @Test func toolUseStream() async throws {
        let body = #"""
            {"messages":[{"role":"user","content":[{"text":"Weather?"}]}],
             "toolConfig":{"tools":[{"toolSpec":{"name":"get_weather","inputSchema":{"json":{"type":"object"}}}}]}}
            """#
        try await withSimulator(.init(protocol: .bedrock)) { sim in
            let whole = try await send(sim.baseURL + Self.model + "/converse", json: body).json()
            #expect(whole["stopReason"] as? String == "tool_use")
            let block = ((whole["output"] as? [String: Any])?["message"] as? [String: Any])?["content"] as? [[String: Any]]
            let toolUse = try #require(block?.first?["toolUse"] as? [String: Any])
            #expect(toolUse["name"] as? String == "get_weather")
            #expect((toolUse["toolUseId"] as? String)?.hasPrefix("tooluse_") == true)

            let frames = try decodeFrames(try await send(sim.baseURL + Self.model + "/converse-stream", json: body).body)
            let payloads = try frames.map { try #require(try JSONSerialization.jsonObject(with: Data($0.payload)) as? [String: Any]) }
            let start = try #require(zip(frames, payloads).first { $0.0.headers[":event-type"] == "contentBlockStart" }?.1)
            #expect((((start["start"] as? [String: Any])?["toolUse"] as? [String: Any])?["name"]) as? String == "get_weather")
            let input = payloads.compactMap { (($0["delta"] as? [String: Any])?["toolUse"] as? [String: Any])?["input"] as? String }
            #expect(input.joined() == #"{"simulated":true}"#)
        }
    }

    @Test func throttlingAsHTTPErrorAndAsExceptionFrame() async throws {
        try await withSimulator(.init(protocol: .bedrock, errorRate: 1, errorStatus: 429)) { sim in
            let reply = try await send(sim.baseURL + Self.model + "/converse", json: Self.body)
            #expect(reply.status == 429)
            #expect(reply.headers["x-amzn-errortype"].first?.hasPrefix("ThrottlingException:") == true)
            #expect(try reply.json()["message"] is String)

            sim.server.update { $0.inBandStreamErrors = true }
            let stream = try await send(sim.baseURL + Self.model + "/converse-stream", json: Self.body)
            #expect(stream.status == 200)
            let frame = try #require(try decodeFrames(stream.body).first)
            #expect(frame.headers[":message-type"] == "exception")
            #expect(frame.headers[":exception-type"] == "throttlingException")
        }
    }

    @Test func malformedStreamHasABadCRC() async throws {
        try await withSimulator(.init(protocol: .bedrock, malformed: true)) { sim in
            let reply = try await send(sim.baseURL + Self.model + "/converse-stream", json: Self.body)
            #expect(throws: FrameError.messageCRC) { try decodeFrames(reply.body) }
        }
    }
}
