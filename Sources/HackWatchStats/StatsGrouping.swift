import Foundation
import HackWatchModel

/// What `--by` breaks the figures down by: a calendar period, or an incident field (a list
/// field such as `chain` makes one group per element, so its shares can add up past 100 %).
package enum StatsGrouping: String, CaseIterable, Sendable {
    case month, quarter, year, target, classification, technique, chain, attribution, source

    /// The key shown for incidents whose field is unknown.
    package static let unknownKey = "(unknown)"

    /// Whether the groups are calendar periods (listed in order, empty ones included, charted).
    package var isPeriod: Bool { self == .month || self == .quarter || self == .year }

    /// The groups `incident` counts in.
    package func keys(_ incident: Incident) -> [String] {
        func known(_ value: String?) -> [String] {
            guard let value, !value.isEmpty else { return [Self.unknownKey] }
            return [value]
        }
        switch self {
        case .month, .quarter, .year: return incident.date.map { [periodKey($0)] } ?? []
        case .target: return known(incident.target)
        case .classification: return known(incident.classification)
        case .technique: return known(incident.technique)
        case .attribution: return known(incident.attribution)
        case .chain: return incident.chains.isEmpty ? [Self.unknownKey] : Self.unique(incident.chains)
        case .source: return incident.sources.isEmpty ? [incident.source] : Self.unique(incident.sources)
        }
    }

    /// `2022-03`, `2022-Q1` or `2022` for the period containing `date`.
    package func periodKey(_ date: Date) -> String {
        let parts = StatsCalendar.utc.dateComponents([.year, .month], from: date)
        let year = parts.year ?? 0, month = parts.month ?? 1
        switch self {
        case .quarter: return "\(year)-Q\((month - 1) / 3 + 1)"
        case .year: return "\(year)"
        default: return String(format: "%04d-%02d", year, month)
        }
    }

    /// Every period key from `period`'s first day to its last, in order.
    package func periodKeys(_ period: StatsPeriod) -> [String] {
        var keys: [String] = []
        var cursor = period.since
        while cursor <= period.until {
            let key = periodKey(cursor)
            if keys.last != key { keys.append(key) }
            guard let next = StatsCalendar.utc.date(byAdding: .month, value: 1, to: StatsCalendar.utc.date(
                from: StatsCalendar.utc.dateComponents([.year, .month], from: cursor)) ?? cursor) else { break }
            cursor = next
        }
        return keys
    }

    /// `values` without case-insensitive repeats, first spelling kept.
    static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0.lowercased()).inserted }
    }
}
