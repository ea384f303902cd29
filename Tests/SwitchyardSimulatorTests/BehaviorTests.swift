import AsyncHTTPClient
import Foundation
import Logging
import ServiceLifecycle
import Testing

@testable import SwitchyardSimulator

@Suite("Simulator behaviour and chaos")
struct BehaviorTests {
    static let chat = #"{"model":"m","messages":[{"role":"user","content":"Hi"}]}"#
    static let streamChat = #"{"model":"m","stream":true,"messages":[{"role":"user","content":"Hi"}]}"#

    @Test func listeningPortIsTheBoundEphemeralPort() async throws {
        let server = SimulatorServer(options: .init(protocol: .openai))
        let group = ServiceGroup(configuration: .init(services: [server], gracefulShutdownSignals: [], logger: .init(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = try await server.listeningPort()
            #expect(port > 0)
            let health = try await send("http://127.0.0.1:\(port)/_sim/health", method: .GET).json()
            #expect(health["protocol"] as? String == "openai")
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test func latencyIsApplied() async throws {
        try await withSimulator(.init(protocol: .openai, latencyMs: 150)) { sim in
            let clock = ContinuousClock()
            let started = clock.now
            do {
                let status = try await send(sim.baseURL + "/v1/chat/completions", json: Self.chat).status
                #expect(status == 200)
            }
            #expect(clock.now - started >= .milliseconds(150))
        }
    }

    @Test func streamPacingIsApplied() async throws {
        let options = SimulatorOptions(protocol: .openai, ttftMs: 50, chunkCount: 4, chunkIntervalMs: 40)
        try await withSimulator(options) { sim in
            let clock = ContinuousClock()
            let started = clock.now
            do {
                let status = try await send(sim.baseURL + "/v1/chat/completions", json: Self.streamChat).status
                #expect(status == 200)
            }
            #expect(clock.now - started >= .milliseconds(50 + 3 * 40))
        }
    }

    @Test func hangHoldsUntilTheClientGivesUp() async throws {
        try await withSimulator(.init(protocol: .openai, hang: true)) { sim in
            let url = sim.baseURL + "/v1/chat/completions"
            let client = Task { try await send(url, json: Self.chat, timeout: .seconds(60)) }
            // The request is being held; nothing is answered while the client waits.
            try await expectEventually { sim.server.stats().inFlight == 1 }
            #expect(sim.server.stats().completed == 0)
            client.cancel()  // the client gives up and closes its connection
            await #expect(throws: (any Error).self) { _ = try await client.value }
            try await expectEventually { sim.server.stats().inFlight == 0 }
            let stats = sim.server.stats()
            #expect(stats.cancelled == 1)
            #expect(stats.requestsTotal == 1)
            #expect(stats.completed == 0)
        }
    }

    @Test func hangingRequestTimesOutClientSide() async throws {
        try await withSimulator(.init(protocol: .openai, hang: true)) { sim in
            await #expect(throws: (any Error).self) {
                _ = try await send(sim.baseURL + "/v1/chat/completions", json: Self.chat, timeout: .milliseconds(300))
            }
            // Whether or not the request reached the server before the deadline, nothing stays in flight.
            try await expectEventually { sim.server.stats().inFlight == 0 }
            #expect(sim.server.stats().completed == 0)
        }
    }

    @Test func clientLeavingMidStreamCountsAsCancelled() async throws {
        let options = SimulatorOptions(protocol: .openai, chunkCount: 50, chunkIntervalMs: 20)
        try await withSimulator(options) { sim in
            var request = HTTPClientRequest(url: sim.baseURL + "/v1/chat/completions")
            request.method = .POST
            request.body = .bytes(.init(string: Self.streamChat))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            for try await _ in response.body {
                break  // read one chunk, then drop the response
            }
            try await expectEventually { sim.server.stats().inFlight == 0 }
            #expect(sim.server.stats().cancelled == 1)
            #expect(sim.server.stats().streamsStarted == 1)
        }
    }

    @Test func behaviourChangesAtRuntimeOverHTTPAndSwift() async throws {
        try await withSimulator(.init(protocol: .openai)) { sim in
            let url = sim.baseURL + "/v1/chat/completions"
            do {
                let status = try await send(url, json: Self.chat).status
                #expect(status == 200)
            }

            let updated = try await send(sim.baseURL + "/_sim/behavior", method: .PUT, json: #"{"error_rate":1,"error_status":503,"ttft_ms":5}"#)
            #expect(updated.status == 200)
            #expect(try updated.json()["error_status"] as? Int == 503)
            #expect(sim.server.options.errorRate == 1)
            #expect(sim.server.options.ttftMs == 5)
            do {
                let status = try await send(url, json: Self.chat).status
                #expect(status == 503)
            }

            _ = try await send(sim.baseURL + "/_sim/behavior", method: .PUT, json: #"{"ttft_ms":null}"#)
            #expect(sim.server.options.ttftMs == nil)

            sim.server.update { $0.errorRate = 0 }
            do {
                let status = try await send(url, json: Self.chat).status
                #expect(status == 200)
            }

            var patch = SimulatorBehaviorPatch()
            patch.latencyMs = 120
            sim.server.update(patch)
            let clock = ContinuousClock()
            let started = clock.now
            do {
                let status = try await send(url, json: Self.chat).status
                #expect(status == 200)
            }
            #expect(clock.now - started >= .milliseconds(120))

            let rejected = try await send(sim.baseURL + "/_sim/behavior", method: .PUT, json: #"{"latency_ms":"slow"}"#)
            #expect(rejected.status == 400)
        }
    }

    @Test func statsCountersOverHTTPAndSwift() async throws {
        try await withSimulator(.init(protocol: .openai)) { sim in
            let url = sim.baseURL + "/v1/chat/completions"
            _ = try await send(url, json: Self.chat, headers: [("authorization", "Bearer x")])
            _ = try await send(url, json: Self.streamChat)
            _ = try await send(url, json: "nope")
            let stats = sim.server.stats()
            #expect(stats.requestsTotal == 3)
            #expect(stats.completed == 2)
            #expect(stats.failed == 1)
            #expect(stats.inFlight == 0)
            #expect(stats.streamsStarted == 1)
            #expect(stats.lastRequestBodyBytes == 4)
            #expect(stats.lastRequestHadAuthorization == false)

            let json = try await send(sim.baseURL + "/_sim/stats", method: .GET).json()
            #expect(json["requests_total"] as? Int == 3)
            #expect(json["in_flight"] as? Int == 0)
            #expect(json["completed"] as? Int == 2)
            #expect(json["cancelled"] as? Int == 0)
            #expect(json["streams_started"] as? Int == 1)
            #expect(json["last_request_body_bytes"] as? Int == 4)
            #expect(json["last_request_had_authorization"] as? Bool == false)

            _ = try await send(sim.baseURL + "/_sim/stats", method: .DELETE)
            #expect(sim.server.stats().requestsTotal == 0)
        }
    }

    @Test func failAfterStartsAnOutage() async throws {
        try await withSimulator(.init(protocol: .openai, errorStatus: 503, failAfterMs: 0)) { sim in
            try await Task.sleep(for: .milliseconds(5))
            do {
                let status = try await send(sim.baseURL + "/v1/chat/completions", json: Self.chat).status
                #expect(status == 503)
            }
            sim.server.update { $0.failAfterMs = 3_600_000 }
            do {
                let status = try await send(sim.baseURL + "/v1/chat/completions", json: Self.chat).status
                #expect(status == 200)
            }
        }
    }

    @Test(arguments: SimulatedProtocol.allCases)
    func cutStreamHasNoTerminator(wire: SimulatedProtocol) async throws {
        let options = SimulatorOptions(protocol: wire, cutStreamAfterChunks: 2, chunkCount: 8)
        try await withSimulator(options) { sim in
            let (url, body, headers) = Self.streamRequest(wire, sim.baseURL)
            var received: [UInt8] = []
            await #expect(throws: (any Error).self) {
                var request = HTTPClientRequest(url: url)
                request.method = .POST
                for (name, value) in headers { request.headers.add(name: name, value: value) }
                request.body = .bytes(.init(string: body))
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
                for try await chunk in response.body { received += chunk.readableBytesView }
            }
            let text = String(decoding: received, as: UTF8.self)
            #expect(!text.contains("[DONE]"))
            #expect(!text.contains("message_stop"))
            #expect(!text.contains("messageStop"))
            #expect(!text.contains("finishReason"))
            try await expectEventually { sim.server.stats().inFlight == 0 }
            #expect(sim.server.stats().failed == 1)
        }
    }

    @Test func malformedAnswersAreNotJSON() async throws {
        try await withSimulator(.init(protocol: .openai, malformed: true)) { sim in
            let reply = try await send(sim.baseURL + "/v1/chat/completions", json: Self.chat)
            #expect(reply.status == 200)
            #expect((try? JSONSerialization.jsonObject(with: Data(reply.body))) == nil)
            let stream = try await send(sim.baseURL + "/v1/chat/completions", json: Self.streamChat)
            let bad = parseSSE(stream.text).filter { $0.data != "[DONE]" && (try? $0.json()) == nil }
            #expect(!bad.isEmpty)
        }
    }

    @Test func errorRateZeroNeverFailsAndOneAlwaysFails() async throws {
        try await withSimulator(.init(protocol: .openai, errorRate: 1, errorStatus: 500)) { sim in
            for _ in 0..<5 {
                do {
                let status = try await send(sim.baseURL + "/v1/chat/completions", json: Self.chat).status
                #expect(status == 500)
            }
            }
            sim.server.update { $0.errorRate = 0 }
            for _ in 0..<5 {
                do {
                let status = try await send(sim.baseURL + "/v1/chat/completions", json: Self.chat).status
                #expect(status == 200)
            }
            }
        }
    }

    @Test func unknownPathIs404InProtocolShape() async throws {
        try await withSimulator(.init(protocol: .openai)) { sim in
            let reply = try await send(sim.baseURL + "/v1/nothing", json: "{}")
            #expect(reply.status == 404)
            #expect(try reply.json()["error"] is [String: Any])
        }
    }

    static func streamRequest(_ wire: SimulatedProtocol, _ base: String) -> (String, String, [(String, String)]) {
        switch wire {
        case .openai:
            return (base + "/v1/chat/completions", streamChat, [])
        case .anthropic:
            return (
                base + "/v1/messages",
                #"{"model":"c","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"Hi"}]}"#,
                [("anthropic-version", "2023-06-01")]
            )
        case .gemini:
            return (base + "/v1beta/models/g:streamGenerateContent?alt=sse", #"{"contents":[{"role":"user","parts":[{"text":"Hi"}]}]}"#, [])
        case .bedrock:
            return (base + "/model/m/converse-stream", #"{"messages":[{"role":"user","content":[{"text":"Hi"}]}]}"#, [])
        }
    }
}
