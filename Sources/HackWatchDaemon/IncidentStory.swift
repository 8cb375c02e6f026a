import Foundation
import HackWatchModel
import HackWatchStore
import HackWatchTemplates

/// One story per hack: the first alert names every rule that matched, later evaluations become
/// updates to it (README "Incidents and updates"). Pure: the pipeline and `replay` share it.
package enum IncidentStory {
    /// A matching rule with the sinks it routes to.
    package struct Match: Sendable {
        package var rule: String
        package var severity: Severity
        package var template: String?
        package var sinks: [String]

        package init(rule: String, severity: Severity, template: String?, sinks: [String]) {
            self.rule = rule
            self.severity = severity
            self.template = template
            self.sinks = sinks
        }
    }

    /// What is news in `incident` since `snapshot` (the incident as its last message showed it):
    /// a loss moved by more than `lossShare` (or newly known), funds returned appearing or
    /// growing, an attribution appearing or changing, more feeds reporting it. Other edits
    /// (classification, wording) are recorded silently.
    package static func changes(from snapshot: Incident, to incident: Incident, lossShare: Double) -> [AlertChange] {
        var changes: [AlertChange] = []
        if let loss = incident.loss {
            if let old = snapshot.loss {
                let base = max(abs(old.usd), 1)
                if abs(loss.usd - old.usd) / base > lossShare { changes.append(AlertChange(field: "loss", from: old.human, to: loss.human)) }
            } else {
                changes.append(AlertChange(field: "loss", from: nil, to: loss.human))
            }
        }
        if let returned = incident.returned, returned.usd > (snapshot.returned?.usd ?? 0) {
            changes.append(AlertChange(field: "returned", from: snapshot.returned?.human, to: returned.human))
        }
        if let attribution = incident.attribution, !attribution.isEmpty,
           attribution.lowercased() != snapshot.attribution?.lowercased() {
            changes.append(AlertChange(field: "attribution", from: snapshot.attribution, to: attribution))
        }
        if incident.sources.contains(where: { !snapshot.sources.contains($0) }) {
            changes.append(AlertChange(field: "sources", from: snapshot.sources.joined(separator: ", "),
                                       to: sourceUnion(snapshot.sources, incident.sources).joined(separator: ", ")))
        }
        return changes
    }

    /// `incident` prepared for an update's evaluation: `update`, `previous_loss` and `change`
    /// set from the story's snapshot.
    package static func prepareUpdate(_ incident: Incident, story: StoryState, changes: [AlertChange]) -> Incident {
        var prepared = incident
        prepared.update = true
        prepared.previousLoss = story.snapshot.loss
        prepared.changes = changes.map(\.field)
        return prepared
    }

    /// The first alert of `incident`'s story: one message per group of sinks, naming every
    /// matching rule routed there, at the highest severity, with that rule's template. nil
    /// when no match reaches a sink.
    package static func first(_ incident: Incident, matches: [Match], now: Date) -> StoryFiring? {
        let story = Alert.storyID(incidentID: incident.id, source: incident.source)
        let alerts = grouped(incident, matches: matches, story: story, revision: 0, changes: [], started: now,
                             headline: nil, now: now)
        guard let lead = alerts.first?.alert else { return nil }
        let state = StoryState(story: story, revision: 0, snapshot: unflagged(incident), rules: ruleNames(matches),
                               startedAt: now, headline: MessageTemplate.headline(for: lead))
        return StoryFiring(state: state, alerts: alerts, incident: incident, newRules: ruleNames(matches))
    }

    /// The next update of `story`: nil unless something is news (`changes`, or a rule matching
    /// for the first time) and some matching rule reaches a sink.
    package static func update(_ incident: Incident, story: StoryState, changes: [AlertChange], matches: [Match],
                               now: Date) -> StoryFiring? {
        let reaching = matches.filter { !$0.sinks.isEmpty }
        let newRules = ruleNames(reaching).filter { !story.rules.contains($0) }
        var all = changes
        if !newRules.isEmpty {
            all.append(AlertChange(field: "rules", from: story.rules.joined(separator: ", "),
                                   to: (story.rules + newRules).joined(separator: ", ")))
        }
        guard !all.isEmpty else { return nil }
        let revision = story.revision + 1
        let alerts = grouped(incident, matches: reaching, story: story.story, revision: revision, changes: all,
                             started: story.startedAt, headline: story.headline, now: now)
        guard !alerts.isEmpty else { return nil }
        let state = StoryState(story: story.story, revision: revision, snapshot: unflagged(incident),
                               rules: story.rules + newRules, startedAt: story.startedAt, headline: story.headline)
        return StoryFiring(state: state, alerts: alerts, incident: incident, newRules: newRules)
    }

    /// Rule names, highest severity first (load order among equals).
    static func ruleNames(_ matches: [Match]) -> [String] {
        ordered(matches.filter { !$0.sinks.isEmpty }).map(\.rule)
    }

    static func ordered(_ matches: [Match]) -> [Match] {
        matches.enumerated().sorted { ($1.element.severity, $0.offset) < ($0.element.severity, $1.offset) }.map(\.element)
    }

    /// Per sink, the matching rules routed to it; sinks with the same rules share one alert.
    static func grouped(_ incident: Incident, matches: [Match], story: String, revision: Int, changes: [AlertChange],
                        started: Date, headline: String?, now: Date) -> [(alert: Alert, sinks: [String])] {
        let ranked = ordered(matches)
        var bySink: [String: [Match]] = [:]
        var sinkOrder: [String] = []
        for match in ranked {
            for sink in match.sinks {
                if bySink[sink] == nil { sinkOrder.append(sink) }
                bySink[sink, default: []].append(match)
            }
        }
        var groups: [[String]: [String]] = [:]
        var groupOrder: [[String]] = []
        for sink in sinkOrder {
            let names = bySink[sink]!.map(\.rule)
            if groups[names] == nil { groupOrder.append(names) }
            groups[names, default: []].append(sink)
        }
        return groupOrder.map { names in
            let lead = ranked.first { $0.rule == names[0] }!
            var alert = Alert(id: Alert.revisionID(story: story, revision: revision), rule: lead.rule, severity: lead.severity,
                              template: lead.template, incident: incident, firedAt: now)
            alert.rules = names
            alert.story = story
            alert.revision = revision
            alert.changes = changes
            alert.storyStarted = revision > 0 ? started : nil
            alert.storyHeadline = headline
            return (alert, groups[names]!)
        }
    }

    static func unflagged(_ incident: Incident) -> Incident {
        var copy = incident
        copy.update = false
        copy.previousLoss = nil
        copy.changes = []
        return copy
    }

    /// `a` then the elements of `b` not in it.
    private static func sourceUnion(_ a: [String], _ b: [String]) -> [String] {
        a + b.filter { !a.contains($0) }
    }
}
