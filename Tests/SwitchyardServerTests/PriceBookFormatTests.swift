import Testing

@testable import SwitchyardServer

@Suite("PriceBook.format: the cost header's text")
struct PriceBookFormatTests {
    @Test func knownValues() {
        #expect(PriceBook.format(0) == "0")
        #expect(PriceBook.format(-0.0) == "0")
        #expect(PriceBook.format(1) == "1")
        #expect(PriceBook.format(0.5) == "0.5")
        #expect(PriceBook.format(0.00000015) == "0.00000015")
        #expect(PriceBook.format(0.000000004) == "0")
        #expect(PriceBook.format(0.000000006) == "0.00000001")
        #expect(PriceBook.format(12.3456789012) == "12.3456789")
        #expect(PriceBook.format(0.0012) == "0.0012")
    }

    @Test func agreesWithPrintfOverRealisticCosts() {
        // Token counts times catalog-like prices per token (dollars per million / 1e6):
        // the values the header really carries.
        let pricesPerMillion: [Double] = [0.02, 0.05, 0.075, 0.1, 0.15, 0.3, 0.6, 1.1, 2.5, 3, 4.4, 10, 15, 60, 75]
        var checked = 0
        for price in pricesPerMillion {
            for tokens in stride(from: 0, through: 200_000, by: 37) {
                let cost = Double(tokens) * price / 1_000_000
                #expect(PriceBook.format(cost) == PriceBook.formatSlowly(cost), "\(tokens) tokens at \(price)")
                checked += 1
            }
        }
        #expect(checked > 50_000)
    }

    @Test func agreesWithPrintfOverArbitraryValues() {
        // A fixed sequence (the same every run) of values from 10^-10 to 10^6 dollars,
        // and values placed exactly on 9-decimal halves, the cases rounding can get wrong.
        var state: UInt64 = 0x1234_5678_9ABC_DEF0
        for _ in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let unit = Double(state >> 11) * 0x1.0p-53
            let magnitude = Double(Int(state % 17)) - 10
            let cost = unit * pow10(magnitude)
            #expect(PriceBook.format(cost) == PriceBook.formatSlowly(cost), "\(cost)")
            let half = (Double(state % 1_000_000_000) + 0.5) / 100_000_000
            #expect(PriceBook.format(half) == PriceBook.formatSlowly(half), "\(half)")
        }
    }

    private func pow10(_ exponent: Double) -> Double {
        var value = 1.0
        if exponent >= 0 {
            for _ in 0..<Int(exponent) { value *= 10 }
        } else {
            for _ in 0..<Int(-exponent) { value /= 10 }
        }
        return value
    }

    @Test func valuesItDoesNotTakeKeepTheReferenceText() {
        #expect(PriceBook.format(-0.25) == "-0.25")
        #expect(PriceBook.format(.infinity) == PriceBook.formatSlowly(.infinity))
        #expect(PriceBook.format(1e12) == "1000000000000")
        #expect(PriceBook.format(.nan) == PriceBook.formatSlowly(.nan))
    }
}
