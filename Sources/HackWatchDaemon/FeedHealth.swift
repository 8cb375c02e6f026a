import Foundation

/// What a feed's health tracker asks the daemon to send.
package enum FeedHealthEvent: Sendable, Hashable {
    /// The feed has been failing for longer than `feed_stale_after`: one alert.
    case failing(since: Date, error: String)
    /// The feed works again after an alert was sent: one recovery notice.
    case recovered(after: TimeInterval)
}

/// The health state machine of one feed: `healthy → failing → alerted → healthy`.
///
/// One alert per outage, however long it lasts and however many polls fail; one recovery notice
/// when a poll succeeds after that alert; nothing for outages shorter than `staleAfter` (a flaky
/// API should not page anyone). `alerted` is persisted so a restart mid-outage neither repeats
/// the alert nor forgets to send the recovery.
package struct FeedHealth: Sendable, Hashable {
    /// When the current run of failures began (nil while healthy).
    package var failingSince: Date?
    /// Whether the alert for the current outage was sent.
    package var alerted: Bool

    /// A tracker; `failingSince`/`alerted` restored from the store after a restart.
    package init(failingSince: Date? = nil, alerted: Bool = false) {
        self.failingSince = failingSince
        self.alerted = alerted
    }

    /// A poll failed at `now`. Returns `.failing` exactly once per outage, when the feed has been
    /// failing for `staleAfter` or longer.
    package mutating func recordFailure(now: Date, error: String, staleAfter: TimeInterval) -> FeedHealthEvent? {
        let since = failingSince ?? now
        failingSince = since
        guard !alerted, now.timeIntervalSince(since) >= staleAfter else { return nil }
        alerted = true
        return .failing(since: since, error: error)
    }

    /// A poll succeeded at `now` (a 304 counts: the server answered). Returns `.recovered` when an
    /// alert was sent for the outage that just ended.
    package mutating func recordSuccess(now: Date) -> FeedHealthEvent? {
        defer { failingSince = nil; alerted = false }
        guard alerted else { return nil }
        return .recovered(after: failingSince.map { now.timeIntervalSince($0) } ?? 0)
    }
}
