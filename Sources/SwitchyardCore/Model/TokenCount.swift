/// Arithmetic on token counts. The counts come from upstream answers and client bodies, so
/// any `Int` can arrive: sums and differences pin at the bounds instead of trapping.
package enum TokenCount {
    /// The sum of `values`, pinned to `Int.min...Int.max`.
    package static func sum(_ values: Int...) -> Int {
        var total = 0
        for value in values {
            let (result, overflow) = total.addingReportingOverflow(value)
            total = overflow ? (value > 0 ? .max : .min) : result
        }
        return total
    }

    /// `minuend - subtrahend`, pinned to `Int.min...Int.max`.
    package static func difference(_ minuend: Int, _ subtrahend: Int) -> Int {
        let (result, overflow) = minuend.subtractingReportingOverflow(subtrahend)
        return overflow ? (subtrahend < 0 ? .max : .min) : result
    }
}
