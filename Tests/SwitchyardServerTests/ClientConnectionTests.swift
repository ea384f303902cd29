import Synchronization
import Testing

@testable import SwitchyardServer

/// `ClientConnection.onClose`: an action runs once when the client goes, or at once when it
/// has gone already; a removed one does not run.
@Suite("Client connection")
struct ClientConnectionTests {
    final class Count: Sendable {
        let value = Atomic<Int>(0)
        func bump() { value.add(1, ordering: .relaxed) }
        var now: Int { value.load(ordering: .relaxed) }
    }

    @Test func anActionRunsOnceWhenTheClientGoes() {
        let client = ClientConnection()
        let count = Count()
        #expect(client.onClose { count.bump() } != nil)
        #expect(count.now == 0)
        client.markClosed()
        client.markClosed()
        #expect(count.now == 1)
    }

    @Test func anActionRegisteredAfterTheClientWentRunsAtOnce() {
        let client = ClientConnection()
        client.markClosed()
        let count = Count()
        #expect(client.onClose { count.bump() } == nil)
        #expect(count.now == 1)
    }

    @Test func aRemovedActionDoesNotRun() {
        let client = ClientConnection()
        let count = Count()
        let registration = client.onClose { count.bump() }
        if let registration { client.removeOnClose(registration) }
        #expect(registration != nil)
        client.markClosed()
        #expect(count.now == 0)
    }
}
