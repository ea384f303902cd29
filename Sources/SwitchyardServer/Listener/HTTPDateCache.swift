#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `date` header's value (RFC 9110 §5.6.7, `Sun, 06 Nov 1994 08:49:37 GMT`), formatted
/// once a second. One per connection, used on its event loop only: no lock.
final class HTTPDateCache {
    private var second = 0
    private var formatted = ""

    func now() -> String {
        var seconds = time(nil)
        if seconds != second || formatted.isEmpty {
            second = seconds
            var parts = tm()
            gmtime_r(&seconds, &parts)
            formatted = Self.format(parts)
        }
        return formatted
    }

    static func format(_ t: tm) -> String {
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let day = days[Int(t.tm_wday) % 7]
        let month = months[Int(t.tm_mon) % 12]
        return "\(day), \(two(t.tm_mday)) \(month) \(t.tm_year + 1900) \(two(t.tm_hour)):\(two(t.tm_min)):\(two(t.tm_sec)) GMT"
    }
}

@available(*, unavailable)
extension HTTPDateCache: Sendable {}
