import Foundation
import HackWatchModel

/// What `stats` is asked: the period, which incidents count, the breakdown and the comparison.
package struct StatsQuery: Sendable {
    /// The days counted.
    package var period: StatsPeriod
    /// Which incidents count (`--where`); nil: all.
    package var filter: (@Sendable (Incident) -> Bool)?
    /// The breakdown (`--by`).
    package var grouping: StatsGrouping?
    /// The comparison window's shift back (`--compare 1y`).
    package var compare: StatsShift?
    /// How many incidents `top` lists, by loss.
    package var top: Int

    package init(period: StatsPeriod, filter: (@Sendable (Incident) -> Bool)? = nil, grouping: StatsGrouping? = nil,
                 compare: StatsShift? = nil, top: Int = 5) {
        self.period = period
        self.filter = filter
        self.grouping = grouping
        self.compare = compare
        self.top = top
    }
}

/// Counts and sums over a set of incidents. Sums are over incidents with a known loss only;
/// `knownLossCount` says how many that is (the coverage a reader needs to judge the total).
package struct StatsTotals: Hashable, Sendable {
    /// Incidents counted.
    package var count = 0
    /// Of those, incidents with a known loss.
    package var knownLossCount = 0
    /// Total known loss, USD.
    package var sumLoss: Double = 0
    /// Total known loss net of returned funds, USD.
    package var netLoss: Double = 0
    /// Total returned, USD (over incidents with a known loss and a known return).
    package var returned: Double = 0

    package init() {}

    /// Adds one incident.
    package mutating func add(_ incident: Incident) {
        count += 1
        guard let loss = incident.loss else { return }
        knownLossCount += 1
        sumLoss += loss.usd
        netLoss += incident.netLoss?.usd ?? loss.usd
        returned += incident.returned?.usd ?? 0
    }
}

/// One row of the breakdown.
package struct StatsGroup: Hashable, Sendable {
    /// The group's key: `2022-03`, `Bridge`, `(unknown)`.
    package var key: String
    /// Its figures.
    package var totals: StatsTotals
    /// Its share of the period's total known loss (0...1; 0 when the total is 0).
    package var share: Double
}

/// The figures of one period: what `stats` prints and a digest or aggregate reads.
package struct StatsReport: Sendable {
    /// The period counted.
    package var period: StatsPeriod
    /// The breakdown's dimension, if any.
    package var grouping: StatsGrouping?
    /// Totals over the period.
    package var totals: StatsTotals
    /// The breakdown: periods in order (empty ones included), other keys by loss then count.
    package var groups: [StatsGroup]
    /// The largest incidents by loss (then date, then name).
    package var top: [Incident]
    /// The feeds the counted incidents came from, sorted.
    package var sources: [String]
    /// The comparison period and its totals.
    package var previous: (period: StatsPeriod, totals: StatsTotals)?

    /// Relative change of the total loss against the comparison (0.6: +60 %); nil without a
    /// comparison or when the earlier total is 0.
    package var change: Double? {
        guard let previous, previous.totals.sumLoss > 0 else { return nil }
        return (totals.sumLoss - previous.totals.sumLoss) / previous.totals.sumLoss
    }

    /// Relative change of the incident count against the comparison.
    package var countChange: Double? {
        guard let previous, previous.totals.count > 0 else { return nil }
        return Double(totals.count - previous.totals.count) / Double(previous.totals.count)
    }

    /// Computes the report of `query` over `incidents` (canonical ones: one per hack). Undated
    /// incidents never count: no period contains them.
    package static func make(_ query: StatsQuery, incidents: [Incident]) -> StatsReport {
        func selected(_ period: StatsPeriod) -> [Incident] {
            incidents.filter { incident in
                guard let date = incident.date, period.contains(date) else { return false }
                return query.filter?(incident) ?? true
            }
        }
        let counted = selected(query.period)
        var totals = StatsTotals()
        var byKey: [String: StatsTotals] = [:]
        var sources = Set<String>()
        for incident in counted {
            totals.add(incident)
            sources.formUnion(incident.sources.isEmpty ? [incident.source] : incident.sources)
            for key in query.grouping?.keys(incident) ?? [] { byKey[key, default: StatsTotals()].add(incident) }
        }
        func group(_ key: String) -> StatsGroup {
            let figures = byKey[key] ?? StatsTotals()
            return StatsGroup(key: key, totals: figures, share: totals.sumLoss > 0 ? figures.sumLoss / totals.sumLoss : 0)
        }
        var groups: [StatsGroup] = []
        if let grouping = query.grouping {
            if grouping.isPeriod {
                groups = grouping.periodKeys(query.period).map(group)
            } else {
                groups = byKey.keys.map(group).sorted { a, b in
                    if a.totals.sumLoss != b.totals.sumLoss { return a.totals.sumLoss > b.totals.sumLoss }
                    if a.totals.count != b.totals.count { return a.totals.count > b.totals.count }
                    return a.key < b.key
                }
            }
        }
        let top = counted.filter { $0.loss != nil }.sorted { a, b in
            if a.loss! != b.loss! { return a.loss! > b.loss! }
            if a.date != b.date { return (a.date ?? .distantPast) < (b.date ?? .distantPast) }
            return a.name < b.name
        }.prefix(max(0, query.top))
        var previous: (StatsPeriod, StatsTotals)?
        if let shift = query.compare {
            let earlier = query.period.shifted(back: shift)
            var figures = StatsTotals()
            for incident in selected(earlier) { figures.add(incident) }
            previous = (earlier, figures)
        }
        return StatsReport(period: query.period, grouping: query.grouping, totals: totals, groups: groups,
                           top: Array(top), sources: sources.sorted(), previous: previous)
    }
}
