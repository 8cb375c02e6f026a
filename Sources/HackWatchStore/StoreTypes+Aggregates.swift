import Foundation
import HackWatchModel

/// One group's edge-trigger state of an aggregate (README "Aggregate rules").
package struct AggregateGroupState: Sendable, Hashable {
    /// The group as first spelled (`Ethereum`); `all` without `group by`.
    package var display: String
    /// Episodes so far (0: none fired; a silently recorded true state keeps 0 and `active`).
    package var episode: Int
    /// An episode is in progress: the condition is true, or was within the cooldown.
    package var active: Bool
    /// When the condition was last seen true.
    package var lastTrue: Date?

    package init(display: String, episode: Int = 0, active: Bool = false, lastTrue: Date? = nil) {
        self.display = display
        self.episode = episode
        self.active = active
        self.lastTrue = lastTrue
    }
}

/// An aggregate's stored state: the definition it was recorded under and its groups by folded key.
package struct AggregateState: Sendable, Hashable {
    package var name: String
    /// The declaration's text when recorded; a different one is an edited aggregate.
    package var fingerprint: String
    package var groups: [String: AggregateGroupState]
    package var updatedAt: Date

    package init(name: String, fingerprint: String, groups: [String: AggregateGroupState] = [:], updatedAt: Date) {
        self.name = name
        self.fingerprint = fingerprint
        self.groups = groups
        self.updatedAt = updatedAt
    }
}

/// An episode that fired (or, `alertID` empty, was recorded silently as the initial state).
package struct AggregateEpisode: Sendable, Hashable {
    package var aggregate: String
    package var group: String
    package var episode: Int
    package var startedAt: Date
    /// `aggregate:NAME:GROUP:EPISODE`.
    package var alertID: String

    package init(aggregate: String, group: String, episode: Int, startedAt: Date, alertID: String) {
        self.aggregate = aggregate
        self.group = group
        self.episode = episode
        self.startedAt = startedAt
        self.alertID = alertID
    }
}
