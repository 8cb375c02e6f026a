import Foundation
import HackWatchModel

/// An inclusive range of UTC days, `since` through `until`: what `stats` and aggregates count over.
package struct StatsPeriod: Hashable, Sendable {
    /// The first day (midnight UTC).
    package var since: Date
    /// The last day (midnight UTC), included.
    package var until: Date

    /// A period from its first to its last day; both are truncated to midnight UTC.
    package init(since: Date, until: Date) {
        self.since = StatsCalendar.day(since)
        self.until = StatsCalendar.day(until)
    }

    /// The instant just after the last day: incidents dated before it and at or after `since` count.
    package var end: Date { StatsCalendar.utc.date(byAdding: .day, value: 1, to: until) ?? until }

    /// Whether `date` falls on one of the period's days.
    package func contains(_ date: Date) -> Bool { date >= since && date < end }

    /// `2022-01-01..2022-07-31`.
    package var label: String { "\(Incident.formatDay(since))..\(Incident.formatDay(until))" }

    /// The same days `shift` earlier (`1y`: the same calendar days a year before).
    package func shifted(back shift: StatsShift) -> StatsPeriod {
        StatsPeriod(since: shift.back(since), until: shift.back(until))
    }

    /// The period a `--window` names, ending on `now`'s day: `ytd`, `qtd`, `mtd` (calendar, UTC)
    /// or a rolling `Nd`/`Nw` (N days ending today, today included) or `Ny` (N years).
    package static func window(_ text: String, now: Date) -> StatsPeriod? {
        let today = StatsCalendar.day(now)
        let parts = StatsCalendar.utc.dateComponents([.year, .month], from: today)
        guard let year = parts.year, let month = parts.month else { return nil }
        switch text {
        case "ytd": return StatsPeriod(since: StatsCalendar.date(year, 1, 1), until: today)
        case "qtd": return StatsPeriod(since: StatsCalendar.date(year, (month - 1) / 3 * 3 + 1, 1), until: today)
        case "mtd": return StatsPeriod(since: StatsCalendar.date(year, month, 1), until: today)
        default:
            guard let shift = StatsShift(text), shift.amount > 0 else { return nil }
            // N days ending today: the first day is N-1 days back.
            let first = StatsCalendar.utc.date(byAdding: .day, value: 1, to: shift.back(today)) ?? today
            return StatsPeriod(since: first, until: today)
        }
    }
}

/// A calendar shift back in time, written `1y`, `3m` (months), `2w` or `30d`.
package struct StatsShift: Hashable, Sendable, CustomStringConvertible {
    /// The calendar unit.
    package enum Unit: String, Sendable { case day = "d", week = "w", month = "m", year = "y" }
    /// How many units.
    package var amount: Int
    /// Which unit.
    package var unit: Unit

    /// Parses `Nd`, `Nw`, `Nm` or `Ny`; nil otherwise.
    package init?(_ text: String) {
        guard let last = text.last, let unit = Unit(rawValue: String(last)),
              let amount = Int(text.dropLast()), amount >= 0, amount < 10_000 else { return nil }
        self.amount = amount
        self.unit = unit
    }

    /// `date` moved back by the shift.
    package func back(_ date: Date) -> Date {
        let component: Calendar.Component = switch unit {
        case .day: .day
        case .week: .weekOfYear
        case .month: .month
        case .year: .year
        }
        return StatsCalendar.utc.date(byAdding: component, value: -amount, to: date) ?? date
    }

    package var description: String { "\(amount)\(unit.rawValue)" }
}

/// The Gregorian calendar in UTC: periods and buckets never depend on the machine's time zone.
package enum StatsCalendar {
    /// Gregorian, UTC.
    package static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// Midnight UTC of `date`'s day.
    package static func day(_ date: Date) -> Date { utc.startOfDay(for: date) }

    /// Midnight UTC of the given day.
    package static func date(_ year: Int, _ month: Int, _ day: Int) -> Date {
        utc.date(from: DateComponents(year: year, month: month, day: day)) ?? Date(timeIntervalSince1970: 0)
    }
}
