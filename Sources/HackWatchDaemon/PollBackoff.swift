import Foundation

/// When to poll a feed next: its interval while healthy; after consecutive failures the interval
/// doubles per failure up to `cap`. Every delay is jittered so feeds sharing an interval (and many
/// hackwatch instances polling one public API) spread out instead of arriving in lockstep.
package struct PollBackoff: Sendable, Hashable {
    /// The feed's configured interval.
    package var interval: TimeInterval
    /// Longest delay after failures (never shorter than `interval`).
    package var cap: TimeInterval
    /// Fraction of the delay to jitter by, both ways (0.1 = ±10%).
    package var jitter: Double

    /// Default cap: one hour, or the interval when that is longer.
    package init(interval: TimeInterval, cap: TimeInterval = 3600, jitter: Double = 0.1) {
        self.interval = max(interval, 0.001)
        self.cap = max(cap, self.interval)
        self.jitter = min(max(jitter, 0), 0.5)
    }

    /// The un-jittered delay after `consecutiveFailures` failures in a row.
    package func baseDelay(consecutiveFailures: Int) -> TimeInterval {
        guard consecutiveFailures > 0 else { return interval }
        let exponent = Double(min(consecutiveFailures, 30))
        return min(cap, interval * pow(2, exponent))
    }

    /// The delay to wait, with jitter drawn from `random` (a value in 0..<1).
    package func delay(consecutiveFailures: Int, random: Double = Double.random(in: 0..<1)) -> TimeInterval {
        let base = baseDelay(consecutiveFailures: consecutiveFailures)
        return base * (1 + jitter * (2 * random - 1))
    }

    /// Timer leeway: a tenth of the delay, at most a minute — lets the kernel coalesce wake-ups.
    package func leeway(for delay: TimeInterval) -> TimeInterval { min(delay / 10, 60) }
}
