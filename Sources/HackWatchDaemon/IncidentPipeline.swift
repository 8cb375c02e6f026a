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
    /// Known records whose content hash equals the stored one: skipped without reading them.
    package var unchanged = 0

    package init() {}

    /// Adds another chunk's counts and alerts to these.
    mutating func add(_ other: PipelineStats) {
        new += other.new
        changed += other.changed
        baselined += other.baselined
        alerts += other.alerts
        unchanged += other.unchanged
    }
}

/// fetch → parse → for each incident: known? changed? → correlate → baseline → story (first
/// alert or update, `IncidentStory`) → `recordStories` (fired pairs, story revision and outbox
/// rows in one transaction) → wake the outbox.
///
/// Crash safety: incidents are saved only after their messages are in the outbox, and
/// `recordStories` skips a revision that is not its story's next. A crash anywhere leaves the
/// incident unseen or its messages recorded, so the next poll either redoes the work or finds
/// nothing new — never a lost alert or update, never a doubled one.
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
    ///
    /// Stories: an incident's first alert names every rule that matched; once it alerted, a
    /// change that is news (`IncidentStory.changes`) or a rule matching for the first time is an
    /// update to that story, never a second top-level alert. Late reports (a feed's new record
    /// older than `baseline`, past its first poll) are at most an update: merged into the known
    /// incident they report, else recorded silently as history unless `alert_late_reports`.
    ///
    /// `knownHashes`: the feed's stored ids and content hashes (`StateStoring.incidentHashes`),
    /// read once per poll. With it, a record whose `Incident.contentHash` equals the stored one
    /// is skipped unread, and an id missing from it is new without a query. Without it (nil)
    /// every record is looked up.
    package func process(_ incidents: some Collection<Incident>, feed: FeedConfig, firstPoll: Bool, runtime: DaemonRuntime,
                        now: Date = Date(), dryRun: Bool = false,
                        knownHashes: [String: Int64?]? = nil) throws(StoreError) -> PipelineStats {
        let config = runtime.config
        let correlator = Correlator(window: config.correlationWindow)
        var stats = PipelineStats()
        var firings: [StoryFiring] = []
        var stories: [String: StoryState] = [:]  // stories advanced in this batch
        var recent: [Incident]?  // loaded once, only when an incident needs correlating
        var toSave: [Incident] = []
        var hashes: [String: Int64] = [:]  // this feed's records as processed, saved with them
        // Pass 1: which records are new or changed (nothing of the store is written yet, so the
        // order of the passes changes nothing but what the correlation query must cover).
        var pending: [(incident: Incident, quietUnlessAlerted: Bool)] = []
        for var incident in incidents {
            incident.source = feed.name
            // The store keeps whole seconds (`Incident.formatDate`): a finer incoming date would
            // differ from the stored one on every poll and look like a change.
            incident.date = incident.date.map { Date(timeIntervalSince1970: $0.timeIntervalSince1970.rounded(.down)) }
            if !incident.sources.contains(feed.name) { incident.sources.insert(feed.name, at: 0) }
            var evaluated: Incident
            var quietUnlessAlerted = false  // history: only an already-alerted incident may update
            let hash = incident.contentHash
            let stored: Incident?
            switch knownHashes?[incident.id] {
            case .none where knownHashes != nil:
                stored = nil  // not in the feed's id list: new, no query needed
            case .some(.some(hash)):
                stats.unchanged += 1  // the same record as last processed
                continue
            default:
                stored = try store.incident(source: feed.name, id: incident.id)
            }
            hashes[incident.id] = hash
            if let known = stored {
                let merge = correlator.merge(incident, into: known)
                guard merge.changed else {
                    // Nothing new, but the record's hash is not stored yet (a row from before
                    // schema 5, or a field merging ignores): store it, so the next poll skips it.
                    if knownHashes != nil { toSave.append(known) }
                    continue
                }
                stats.changed += 1
                toSave.append(merge.merged)
                // Edits to incidents older than the baseline window (a feed re-classifying a 2021
                // hack) are not news unless the incident alerted or its loss rose.
                quietUnlessAlerted = !merge.lossRevisedUp && Baseline.isHistory(merge.merged, baseline: config.baseline, now: now)
                evaluated = merge.merged
                evaluated.update = true
            } else {
                stats.new += 1
                toSave.append(incident)
                if Baseline.isSilent(incident, firstPoll: firstPoll, baseline: config.baseline, now: now) {
                    stats.baselined += 1
                    continue
                }
                // Past the first poll, a record older than the baseline is a late report.
                quietUnlessAlerted = !firstPoll && Baseline.isHistory(incident, baseline: config.baseline, now: now)
                evaluated = incident
            }
            pending.append((evaluated, quietUnlessAlerted))
        }
        // Correlation candidates are other feeds' reports dated within the window of the
        // EVALUATED reports' dates (a late report of a hack from weeks ago must find it), not of
        // now, nor of every record of the batch: a re-poll with one changed record read the whole
        // store once per chunk. Two windows back, so the earlier report a match was itself merged
        // into (`canonicalMatch`) is among them too.
        let earliest = pending.compactMap(\.incident.date).min().map { min($0, now) } ?? now
        let candidatesSince = earliest.addingTimeInterval(-2 * config.correlationWindow.seconds)
        // Pass 2: correlation, overlays, stories and rules for the new and changed records.
        for (incident, quietUnlessAlerted) in pending {
            var evaluated = incident
            // The same hack already reported by another feed: evaluate the merged record under
            // the first report's identity, so it joins that incident's story.
            if recent == nil { recent = try store.incidents(since: candidatesSince, excludingSource: feed.name) }
            var correlated = false
            if let canonical = canonicalMatch(for: evaluated, among: recent ?? [], correlator: correlator) {
                let merge = correlator.merge(evaluated, into: canonical)
                if merge.changed { toSave.append(merge.merged) }
                let wasUpdate = evaluated.update
                evaluated = merge.merged
                evaluated.update = wasUpdate || merge.lossRevisedUp
                correlated = true
            }
            // Exposure + attribution overlays (README "Exposure") before stories and rules, so
            // both see the overlaid fields.
            evaluated = runtime.overlays.apply(to: evaluated)
            let storyID = Alert.storyID(incidentID: evaluated.id, source: evaluated.source)
            let known: StoryState?
            if let cached = stories[storyID] { known = cached } else { known = try store.story(storyID) }
            let firing: StoryFiring?
            if let known {
                let changes = IncidentStory.changes(from: known.snapshot, to: evaluated, lossShare: config.updateLossShare)
                let prepared = IncidentStory.prepareUpdate(evaluated, story: known, changes: changes)
                firing = IncidentStory.update(prepared, story: known, changes: changes,
                                              matches: matches(prepared, runtime: runtime, now: now), now: now)
            } else {
                // A late report of a known hack that never alerted adds nothing to page about; a
                // late report of an unknown one is history unless the config says otherwise.
                if quietUnlessAlerted && (correlated || evaluated.update || !config.alertLateReports) {
                    stats.baselined += 1
                    continue
                }
                var fresh: [IncidentStory.Match] = []
                for match in matches(evaluated, runtime: runtime, now: now) where !match.sinks.isEmpty {
                    // Pairs fired before stories existed (schema 1) stay fired.
                    let pair = Alert.makeID(incidentID: evaluated.id, source: evaluated.source, rule: match.rule)
                    if try !store.hasFired(alertID: pair) { fresh.append(match) }
                }
                firing = IncidentStory.first(evaluated, matches: fresh, now: now)
            }
            guard let firing else { continue }
            stories[storyID] = firing.state
            firings.append(firing)
        }
        if dryRun {
            stats.alerts = firings.flatMap { $0.alerts.map(\.alert) }
        } else {
            if !firings.isEmpty { stats.alerts = try store.recordStories(firings) }
            // One transaction for the poll's incidents (`update` is not stored: it belongs to
            // one evaluation, not to the record).
            try store.saveIncidents(toSave, contentHashes: hashes, of: feed.name)
        }
        return stats
    }

    /// The enabled rules matching `incident`, with the sinks each routes to.
    func matches(_ incident: Incident, runtime: DaemonRuntime, now: Date) -> [IncidentStory.Match] {
        runtime.ruleSet.matches(incident, now: now).map { rule in
            IncidentStory.Match(rule: rule.name, severity: rule.severity, template: rule.message,
                                sinks: runtime.destinations(notify: rule.notify, severity: rule.severity, incident: incident))
        }
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
