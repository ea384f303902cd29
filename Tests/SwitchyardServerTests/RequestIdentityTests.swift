import Testing

@testable import SwitchyardServer

@Suite("RequestIdentity: generated request ids")
struct RequestIdentityTests {
    @Test func idsAreReqAnd24LowercaseHexDigits() {
        let id = RequestIdentity.generate()
        #expect(id.hasPrefix("req_"))
        #expect(id.utf8.count == 28)
        #expect(id.dropFirst(4).allSatisfy { $0.isHexDigit && !$0.isUppercase })
    }

    @Test func idsDoNotRepeatAndLookUnrelated() {
        let ids = (0..<10_000).map { _ in RequestIdentity.generate() }
        #expect(Set(ids).count == ids.count)
        // Consecutive ids share no long prefix: the counter is scrambled, not printed.
        let sharedPrefixes = zip(ids, ids.dropFirst()).filter { $0.prefix(12) == $1.prefix(12) }
        #expect(sharedPrefixes.count < 10)
    }
}
