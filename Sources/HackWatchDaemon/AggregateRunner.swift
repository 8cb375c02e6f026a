import Foundation
import HackWatchFeeds
import HackWatchModel
import HackWatchRules
import HackWatchStats
import HackWatchStore

/// Evaluates the aggregate rules against the stored history and fires their episodes through
/// the outbox (README "Aggregate rules").
///
/// Edge-triggered per group: an episode fires when the condition turns true, stays open while
/// it is true, and closes (re-arms) once it has been false for the cooldown. An aggregate with
/// no stored state, or whose declaration changed, records its current state silently, so a
/// restart, a reload or an edit never pages about last month. Exactly once: the episode's
/// alert id `aggregate:NAME:GROUP:EPISODE` goes through `recordFiring` (which skips ids that
/// fired) before the state is saved, so a crash in between re-records nothing.
package struct AggregateRunner: Sendable {
    package let store: any StateStoring

    package init(store: any StateStoring) { self.store = store }

    /// One evaluation of every enabled aggregate at `now`; returns the alerts newly recorded.
    package func run(runtime: DaemonRuntime, now: Date = Date()) throws(StoreError) -> [Alert] {
        let aggregates = runtime.ruleSet.aggregates.filter(\.enabled)
        guard !aggregates.isEmpty else { return [] }
        let since = AggregateEvaluation.earliest(aggregates, now: now)
        let history = CanonicalIncidents.canonical(try store.incidents(since: since),
                                                   correlator: Correlator(window: runtime.config.correlationWindow))
        var fired: [Alert] = []
        for aggregate in aggregates {
            fired += try run(aggregate, incidents: history, runtime: runtime, now: now)
        }
        return fired
    }

    func run(_ aggregate: CompiledAggregate, incidents: [Incident], runtime: DaemonRuntime, now: Date) throws(StoreError) -> [Alert] {
        let results = AggregateEvaluation.evaluate(aggregate, incidents: incidents, now: now)
        let stored = try store.aggregateState(aggregate.name)
        guard let stored, stored.fingerprint == aggregate.fingerprint else {
            // New or edited: its present state is the baseline, nothing fires.
            var state = AggregateState(name: aggregate.name, fingerprint: aggregate.fingerprint, updatedAt: now)
            for result in results where result.holds {
                let previous = stored?.groups[result.key]?.episode ?? 0
                state.groups[result.key] = AggregateGroupState(display: result.display, episode: previous, active: true, lastTrue: now)
            }
            // Keep episode numbers of groups not true now, so ids stay unique after an edit.
            for (key, group) in stored?.groups ?? [:] where state.groups[key] == nil {
                state.groups[key] = AggregateGroupState(display: group.display, episode: group.episode)
            }
            try store.saveAggregateState(state, episodes: [])
            return []
        }
        var (state, firings, episodes) = Self.advance(stored, aggregate: aggregate, results: results, now: now)
        var alerts: [(alert: Alert, sinks: [String])] = []
        let sinks = runtime.destinations(notify: aggregate.notify, severity: aggregate.severity)
        for (result, episode) in firings {
            let alert = AggregateMessage.alert(aggregate, group: result, episode: episode, now: now)
            episodes.append(AggregateEpisode(aggregate: aggregate.name, group: result.display, episode: episode,
                                             startedAt: now, alertID: alert.id))
            if !sinks.isEmpty { alerts.append((alert, sinks)) }
        }
        let recorded = try store.recordFiring(alerts)
        state.updatedAt = now
        try store.saveAggregateState(state, episodes: episodes)
        return recorded
    }

    /// The edge-trigger step: the new state, and the groups whose condition turned true (with their episode number).
    package static func advance(_ stored: AggregateState, aggregate: CompiledAggregate, results: [AggregateGroupResult], now: Date)
        -> (AggregateState, [(AggregateGroupResult, Int)], [AggregateEpisode]) {
        var state = stored
        var firings: [(AggregateGroupResult, Int)] = []
        let byKey = Dictionary(results.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        for key in Set(state.groups.keys).union(byKey.keys).sorted() {
            var group = state.groups[key] ?? AggregateGroupState(display: byKey[key]?.display ?? key)
            if let result = byKey[key], result.holds {
                if !group.active {
                    group.episode += 1
                    group.active = true
                    firings.append((result, group.episode))
                }
                group.lastTrue = now
            } else if group.active, now.timeIntervalSince(group.lastTrue ?? .distantPast) >= aggregate.cooldown {
                group.active = false  // false for the whole cooldown: re-armed
            }
            state.groups[key] = group
        }
        return (state, firings, [])
    }
}
