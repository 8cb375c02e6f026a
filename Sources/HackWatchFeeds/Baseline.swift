import Foundation
import HackWatchModel

/// The first-poll rule (config `baseline`, default 7d): when hackwatch first polls a feed, the
/// feed's history is recorded as seen without alerting, so chat is not flooded with years of
/// old hacks; only incidents newer than `baseline` are evaluated.
///
/// - Undated incidents on a first poll are silent: their age is unknown, and a history feed's
///   undated rows are old far more often than new.
/// - Incidents dated in the future (clock skew, time zones) are never silent.
/// - `baseline: "0s"` turns the rule off: every incident of the first poll is evaluated.
/// - After the first poll nothing is silent: a new incident is new whatever date it carries.
package enum Baseline {
    /// On a feed's first poll, incidents older than `baseline` (or undated) are recorded silently.
    package static func isSilent(_ incident: Incident, firstPoll: Bool, baseline: TimeSpan, now: Date) -> Bool {
        firstPoll && isHistory(incident, baseline: baseline, now: now)
    }

    /// Older than the baseline window (undated counts as old). `baseline: 0s` means no history.
    /// Edits to such incidents are recorded silently too (`IncidentPipeline`).
    package static func isHistory(_ incident: Incident, baseline: TimeSpan, now: Date) -> Bool {
        guard baseline.seconds > 0 else { return false }
        guard let date = incident.date else { return true }
        return now.timeIntervalSince(date) > baseline.seconds
    }
}
