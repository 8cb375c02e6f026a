import Foundation
import HackWatchModel

/// What the daemon remembers about one feed between polls and restarts.
package struct FeedState: Sendable, Hashable {
    /// The feed's name in the config.
    package var feed: String
    /// ETag / Last-Modified of the last 200, for conditional GET.
    package var validators: HTTPValidators?
    /// The first poll (the baseline poll) has completed.
    package var firstPollDone: Bool
    /// Polls attempted in all.
    package var polls: Int
    /// Polls that failed in all.
    package var failures: Int
    /// Failures since the last success (drives backoff and feed-health alerts).
    package var consecutiveFailures: Int
    package var lastSuccess: Date?
    package var lastAttempt: Date?
    /// The last failure's message (already free of secrets).
    package var lastError: String?
    /// A feed-health alert has been sent for the current failure streak.
    package var healthAlerted: Bool

    package init(feed: String, validators: HTTPValidators? = nil, firstPollDone: Bool = false, polls: Int = 0,
                failures: Int = 0, consecutiveFailures: Int = 0, lastSuccess: Date? = nil, lastAttempt: Date? = nil,
                lastError: String? = nil, healthAlerted: Bool = false) {
        self.feed = feed
        self.validators = validators
        self.firstPollDone = firstPollDone
        self.polls = polls
        self.failures = failures
        self.consecutiveFailures = consecutiveFailures
        self.lastSuccess = lastSuccess
        self.lastAttempt = lastAttempt
        self.lastError = lastError
        self.healthAlerted = healthAlerted
    }
}

/// One (alert, sink) row of the outbox.
package struct Delivery: Sendable {
    /// The outbox row id (firing order).
    package var id: Int64
    package var alert: Alert
    /// The sink's name in the config.
    package var sink: String
    /// Send attempts made so far.
    package var attempts: Int
    /// Not to be sent before this time.
    package var nextAttempt: Date
    /// Why the last attempt failed, or why the delivery is dead.
    package var lastError: String?
    /// When the row was written (the alert fired).
    package var createdAt: Date
    /// When a hold window (or `silence expire --release`) last let it go: the give-up window
    /// counts from here, since the row was kept back, not failing.
    package var heldUntil: Date?

    package init(id: Int64, alert: Alert, sink: String, attempts: Int, nextAttempt: Date, lastError: String?,
                createdAt: Date) {
        self.id = id
        self.alert = alert
        self.sink = sink
        self.attempts = attempts
        self.nextAttempt = nextAttempt
        self.lastError = lastError
        self.createdAt = createdAt
    }
}

/// Outbox rows by state, for `status` and metrics.
package struct OutboxCounts: Sendable, Hashable {
    /// Waiting for a first send or a retry.
    package var pending: Int
    /// Acknowledged by the destination.
    package var delivered: Int
    /// Given up (permanent error or retry window exhausted); kept for `status`.
    package var dead: Int
    /// Matched by a silence or a mute window: recorded, not sent.
    package var silenced: Int
    /// Kept back by a hold window, sent when it ends.
    package var held: Int

    package init(pending: Int = 0, delivered: Int = 0, dead: Int = 0, silenced: Int = 0, held: Int = 0) {
        self.pending = pending
        self.delivered = delivered
        self.dead = dead
        self.silenced = silenced
        self.held = held
    }
}
