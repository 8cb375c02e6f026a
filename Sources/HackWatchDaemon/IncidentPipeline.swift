import Foundation
import Logging
import HackWatchConfiguration
import HackWatchFeeds
import HackWatchModel
import HackWatchStore

/// What one poll's incidents produced.
package struct PipelineStats: Sendable, Hashable {
    /// Incidents not seen before.
    package var new = 0
    /// Known incidents whose rule-visible fields changed (evaluated again unless history).
    package var changed = 0
    /// Incidents recorded silently: new ones older than the baseline on a feed's first poll,
    /// and edits to incidents older than the baseline window (unless the loss rose).
    package var baselined = 0
    /// Alerts newly put in the outbox (or, dry run, that would be).
    package var alerts: [Alert] = []

    package init() {}
}

/// fetch → parse → for each incident: known? changed? → correlate → baseline → rules →
/// `recordFiring` (firing + outbox rows in one transaction) → wake the outbox.
///
/// Crash safety: incidents are saved only after their alerts are in the outbox, and
/// `recordFiring` skips pairs already fired. A crash anywhere leaves the incident unseen or its
/// alerts recorded, so the next poll either redoes the work or finds nothing new — never a lost
/// alert, never a doubled one.
package struct IncidentPipeline: Sendable {
    /// The state database.
    package let store: any StateStoring

    /// A pipeline over `store`; `correlation_window` comes from each call's runtime, so a
    /// reload changes it.
    package init(store: any StateStoring) {
        self.store = store
    }

    /// Processes one feed's parsed incidents. With `dryRun` nothing is written; the alerts that
    /// would fire are returned.
    package func process(_ incidents: [Incident], feed: FeedConfig, firstPoll: Bool, runtime: DaemonRuntime,
                        now: Date = Date(), dryRun: Bool = false) throws(StoreError) -> PipelineStats {
        let correlator = Correlator(window: runtime.config.correlationWindow)
        var stats = PipelineStats()
        var firing: [(alert: Alert, sinks: [String])] = []
        let window = runtime.config.correlationWindow.seconds
        var recent: [Incident]?  // loaded once, only when a new incident needs correlating
        var toSave: [Incident] = []
        for var incident in incidents {
            incident.source = feed.name
            // The store keeps whole seconds (`Incident.formatDate`): a finer incoming date would
            // differ from the stored one on every poll and look like a change.
            incident.date = incident.date.map { Date(timeIntervalSince1970: $0.timeIntervalSince1970.rounded(.down)) }
            if !incident.sources.contains(feed.name) { incident.sources.insert(feed.name, at: 0) }
            var evaluated: Incident
            if let known = try store.incident(source: feed.name, id: incident.id) {
                let merge = correlator.merge(incident, into: known)
                guard merge.changed else { continue }
                stats.changed += 1
                toSave.append(merge.merged)
                // History stays quiet: edits to incidents older than the baseline window (a
                // feed re-classifying a 2021 hack) are recorded silently; a loss revised upwards
                // is news at any age.
                if !merge.lossRevisedUp && Baseline.isHistory(merge.merged, baseline: runtime.config.baseline, now: now) {
                    stats.baselined += 1
                    continue
                }
                evaluated = merge.merged
                evaluated.update = true
            } else {
                stats.new += 1
                toSave.append(incident)
                if Baseline.isSilent(incident, firstPoll: firstPoll, baseline: runtime.config.baseline, now: now) {
                    stats.baselined += 1
                    continue
                }
                evaluated = incident
            }
            // The same hack already reported by another feed: evaluate the merged record under
            // the first report's identity, so its alerts dedup against the ones already sent.
            if recent == nil { recent = try store.incidents(since: now.addingTimeInterval(-window)) }
            if let canonical = canonicalMatch(for: evaluated, among: recent ?? [], correlator: correlator) {
                let merge = correlator.merge(evaluated, into: canonical)
                if merge.changed { toSave.append(merge.merged) }
                let wasUpdate = evaluated.update
                evaluated = merge.merged
                evaluated.update = wasUpdate || merge.lossRevisedUp
            }
            evaluated = runtime.overlays.apply(to: evaluated)  // exposure + attribution (README "Exposure")
            for rule in runtime.ruleSet.matches(evaluated, now: now) {
                let sinks = runtime.destinations(notify: rule.notify, severity: rule.severity, incident: evaluated)
                guard !sinks.isEmpty else { continue }
                let alert = Alert(rule: rule.name, severity: rule.severity, template: rule.message,
                                  incident: evaluated, firedAt: now)
                firing.append((alert, sinks))
            }
        }
        if dryRun {
            for (alert, _) in firing where try !store.hasFired(alertID: alert.id) { stats.alerts.append(alert) }
        } else {
            if !firing.isEmpty { stats.alerts = try store.recordFiring(firing) }
            for var incident in toSave {
                incident.update = false  // a property of one evaluation, not of the stored record
                try store.saveIncident(incident)
            }
        }
        return stats
    }

    /// The report of the same hack from another feed that alerts go out under, if any: the
    /// report this incident was already merged into, else the best match among other feeds'
    /// reports — or, when that match was itself merged into an earlier report, that one.
    func canonicalMatch(for incident: Incident, among recent: [Incident], correlator: Correlator) -> Incident? {
        let others = recent.filter { $0.source != incident.source }
        func sameHack(_ incident: Incident, _ report: Incident) -> Bool {
            // Judged on name, date and loss alone, whatever `report.sources` already lists.
            var candidate = report
            candidate.sources.removeAll { $0 == incident.source }
            return correlator.match(incident, among: [candidate]) != nil
        }
        if let root = others.first(where: { $0.sources.contains(incident.source) && sameHack(incident, $0) }) {
            return root
        }
        guard let match = correlator.match(incident, among: others) else { return nil }
        if match.sources.count == 1,
           let root = others.first(where: { $0.source != match.source && $0.sources.contains(match.source) && sameHack(match, $0) }) {
            return root
        }
        return match
    }
}
