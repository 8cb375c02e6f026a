import Foundation
import HackWatchModel
import HackWatchRules
import HackWatchStats
import HackWatchStore

/// One aggregate episode `replay` finds on history.
package struct ReplayEpisode: Sendable, Hashable {
    package var aggregate: String
    package var group: String
    package var episode: Int
    /// The day the condition turned true.
    package var date: Date
    package var count: Int
    package var sumLoss: Double
}

extension ReplayReport {
    /// The episodes the enabled aggregates would have fired on `incidents`: evaluated at the
    /// end of every UTC day from the first incident on or after `since` through `until`, with
    /// the live edge trigger and cooldown (and no silent start: history is what is asked about).
    package static func episodes(ruleSet: RuleSet, incidents: [Incident], since: Date?, until: Date = Date()) -> [ReplayEpisode] {
        let aggregates = ruleSet.aggregates.filter(\.enabled)
        let dates = incidents.compactMap(\.date).filter { $0 >= (since ?? .distantPast) }
        guard !aggregates.isEmpty, let first = dates.min() else { return [] }
        var found: [ReplayEpisode] = []
        for aggregate in aggregates {
            var state = AggregateState(name: aggregate.name, fingerprint: aggregate.fingerprint, updatedAt: first)
            var day = StatsCalendar.day(first)
            while day <= until {
                let now = day.addingTimeInterval(86_399)
                let results = AggregateEvaluation.evaluate(aggregate, incidents: incidents, now: now)
                let (next, firings, _) = AggregateRunner.advance(state, aggregate: aggregate, results: results, now: now)
                state = next
                for (result, episode) in firings {
                    found.append(ReplayEpisode(aggregate: aggregate.name, group: result.display, episode: episode, date: day,
                                               count: result.incidents.count,
                                               sumLoss: result.incidents.reduce(0) { $0 + ($1.loss?.usd ?? 0) }))
                }
                day = day.addingTimeInterval(86_400)
            }
        }
        return found.sorted { ($0.date, $0.aggregate, $0.group) < ($1.date, $1.aggregate, $1.group) }
    }

    /// `2022-03-29  bridge_wave (Ethereum) episode 1: 3 incidents, $640M`, then a count per aggregate.
    package static func renderEpisodes(_ episodes: [ReplayEpisode], aggregates: [CompiledAggregate]) -> String {
        var lines = [""]
        lines += episodes.map { episode in
            let group = episode.group == AggregateEvaluation.allGroup ? "" : " (\(episode.group))"
            return "\(Incident.formatDay(episode.date))  aggregate \(episode.aggregate)\(group) episode \(episode.episode): "
                + "\(episode.count) incidents, \(Money(usd: episode.sumLoss).human)"
        }
        lines.append("\(episodes.count) aggregate episodes")
        for aggregate in aggregates {
            lines.append("  \(aggregate.name)  \(episodes.filter { $0.aggregate == aggregate.name }.count)")
        }
        return lines.joined(separator: "\n")
    }
}
