#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Monotonic time in nanoseconds, for timestamps stored in atomics and health samples.
/// Unit tests pass their own values instead of reading this.
public enum MonotonicTime {
    /// Nanoseconds since an arbitrary fixed point (boot), never going backwards.
    @inlinable
    public static func nowNanos() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }
}
