import Foundation
import Logging
import SwitchyardCore
import SwitchyardServer
import SwitchyardSimulator
import SwitchyardTesting
import Synchronization
import Testing

/// The JSON log lines themselves, and the breaker and failover lines the request path writes.
@Suite("JSON logs")
struct JSONLogTests {
    @Test func oneObjectPerLineWithTypedMetadata() throws {
        let lines = CapturedLines()
        var logger = lines.logger(level: .info)
        logger[metadataKey: "component"] = "test"
        logger.debug("filtered out")
        logger.info(
            "hello \"world\"\n",
            metadata: [
                "count": .stringConvertible(3), "ratio": .stringConvertible(0.25), "ok": .stringConvertible(true),
                "text": "a\tb", "message": "collides", "list": .array(["x", .stringConvertible(1)]),
            ]
        )
        #expect(lines.all.count == 1)
        let line = try #require(lines.all.first)
        #expect(line.hasSuffix("}\n") && line.filter { $0 == "\n" }.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["message"] as? String == "hello \"world\"\n")
        #expect(object["meta_message"] as? String == "collides")
        #expect(object["level"] as? String == "info")
        #expect(object["label"] as? String == "switchyard.test")
        #expect(object["component"] as? String == "test")
        #expect(object["count"] as? Int == 3)
        #expect(object["ratio"] as? Double == 0.25)
        #expect(object["ok"] as? Bool == true)
        #expect(object["text"] as? String == "a\tb")
        #expect((object["list"] as? [Any])?.count == 2)
        let ts = try #require(object["ts"] as? String)
        #expect(ts.count == 24 && ts.hasSuffix("Z"), "RFC 3339 UTC with milliseconds: \(ts)")
    }

    @Test func aBreakerOpeningIsLoggedOnce() async throws {
        let lines = CapturedLines()
        var failing = SimulatorOptions(protocol: .openai)
        failing.errorRate = 1
        failing.errorStatus = 500
        try await Harness.withGateway(
            simulators: ["bad": failing],
            health: TestConfigs.fastBreakers(openMs: 60_000, failureThreshold: 1),
            logger: lines.logger(level: .info),
            { sims in
                (
                    sims["bad"].map { [TestConfigs.provider("bad", simulator: $0)] } ?? [],
                    [TestConfigs.model("m-bad", on: ["bad"])], []
                )
            }
        ) { gateway, _ in
            let reply = try await TestHTTPClient.shared.post(
                gateway.baseURL + "/v1/chat/completions",
                body: Harness.chatBody(model: "m-bad"),
                headers: Harness.auth
            )
            #expect(reply.status == 502 || reply.status == 503)
            await gateway.stop()
            let objects = lines.all.compactMap {
                (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
            }
            let opened = objects.filter {
                $0["message"] as? String == "circuit breaker changed" && $0["to"] as? String == "open"
            }
            #expect(opened.count == 1, "lines: \(lines.all)")
            #expect(opened.first?["provider"] as? String == "bad")
            #expect(opened.first?["level"] as? String == "warning")
            let access = objects.first { $0["message"] as? String == "request" }
            #expect(access?["status"] as? Int == reply.status)
            #expect(access?["error"] as? String != nil)
        }
    }
}
