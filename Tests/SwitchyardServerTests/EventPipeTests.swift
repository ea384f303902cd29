import Testing

@testable import SwitchyardServer

@Suite("EventPipe: the hand-off between a stream's reader and writer")
struct EventPipeTests {
    @Test func pollTakesWhatIsBufferedAndLeavesTheEndToNext() async throws {
        let pipe = EventPipe<Int>(capacity: 8)
        for value in 1...3 { #expect(await pipe.send(value)) }
        pipe.finish()
        #expect(pipe.poll() == 1)
        #expect(pipe.poll() == 2)
        #expect(pipe.poll() == 3)
        #expect(pipe.poll() == nil)
        #expect(try await pipe.next() == nil)
    }

    @Test func pollOnAnEmptyPipeDoesNotWait() {
        let pipe = EventPipe<Int>()
        #expect(pipe.poll() == nil)
    }

    @Test func pollMakesRoomForAProducerWaitingOnAFullPipe() async throws {
        let pipe = EventPipe<Int>(capacity: 2)
        let producer = Task {
            for value in 1...5 { _ = await pipe.send(value) }
        }
        var received: [Int] = []
        for _ in 0..<100_000 where received.count < 5 {
            if let value = pipe.poll() { received.append(value) } else { await Task.yield() }
        }
        #expect(received == [1, 2, 3, 4, 5])
        pipe.finish()  // frees the producer if polling failed to
        await producer.value
    }
}
