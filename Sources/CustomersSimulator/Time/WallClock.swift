#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where "now" comes from: the generation's upper bound for `updatedAt` and the stamp of every
/// mutation. A protocol so that tests and future callers can pin time.
protocol WallClock: Sendable {
    func now() -> Instant
}

/// The system's real-time clock, read with nanosecond resolution.
struct SystemWallClock: WallClock {
    func now() -> Instant {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Instant(nanoseconds: Int64(spec.tv_sec) * Instant.nanosecondsPerSecond + Int64(spec.tv_nsec))
    }
}
