import Foundation
import HackWatchModel
import HackWatchRules

/// One group of an aggregate at one moment: its incidents in the window and whether the
/// condition holds.
package struct AggregateGroupResult: Sendable {
    /// Folded key (lowercased), the state's identity of the group.
    package var key: String
    /// As first spelled; `all` without `group by`.
    package var display: String
    /// The window counted.
    package var period: StatsPeriod
    /// The group's counted incidents in the window.
    package var incidents: [Incident]
    /// The condition holds.
    package var holds: Bool
    /// The first `change(…)` figure (a fraction), if the condition has one and it is known.
    package var change: Double?
}

/// Evaluates aggregate rules over canonical incidents (each hack once), as of `now`.
package enum AggregateEvaluation {
    /// The group key without `group by`.
    package static let allGroup = "all"

    /// The earliest date any of `aggregates` reads at `now` (window start, shifted back by `change`).
    package static func earliest(_ aggregates: [CompiledAggregate], now: Date) -> Date {
        aggregates.map { aggregate in
            guard let period = StatsPeriod.window(aggregate.window.text, now: now) else { return now }
            return ([period.since] + aggregate.shifts.compactMap { StatsShift($0.text).map { period.shifted(back: $0).since } }).min() ?? period.since
        }.min() ?? now
    }

    /// Every group with a counted incident in the window (and, with `change`, in a shifted one).
    package static func evaluate(_ aggregate: CompiledAggregate, incidents: [Incident], now: Date) -> [AggregateGroupResult] {
        guard let period = StatsPeriod.window(aggregate.window.text, now: now) else { return [] }
        let shifted = Dictionary(aggregate.shifts.compactMap { shift in StatsShift(shift.text).map { (shift, period.shifted(back: $0)) } },
                                 uniquingKeysWith: { a, _ in a })
        func inAnyWindow(_ date: Date) -> Bool { period.contains(date) || shifted.values.contains { $0.contains(date) } }
        // Counted incidents in any window, by group.
        var members: [String: (display: String, incidents: [Incident])] = [:]
        for incident in incidents {
            guard let date = incident.date, date <= now || period.contains(date), inAnyWindow(date), aggregate.counts(incident, now: now) else { continue }
            for display in aggregate.groupKeys(incident) ?? [allGroup] {
                let key = display.lowercased()
                members[key, default: (display, [])].incidents.append(incident)
            }
        }
        if aggregate.groupBy == nil, members[allGroup] == nil { members[allGroup] = (allGroup, []) }
        return members.sorted { $0.key < $1.key }.map { key, group in
            let current = group.incidents.filter { period.contains($0.date!) }
            let lookup: (AggregateShift) -> [Incident] = { shift in
                guard let window = shifted[shift] else { return [] }
                return group.incidents.filter { window.contains($0.date!) }
            }
            return AggregateGroupResult(key: key, display: group.display, period: period, incidents: current,
                                        holds: aggregate.holds(current: current, shifted: lookup, now: now),
                                        change: aggregate.change(current: current, shifted: lookup, now: now))
        }
    }
}
