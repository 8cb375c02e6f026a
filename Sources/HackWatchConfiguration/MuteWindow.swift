import Foundation
import HackWatchModel

/// One entry of `time_intervals`: a recurring window (Alertmanager's `time_intervals`: times of
/// day, weekdays, days of the month, months, in a time zone) during which the deliveries it is
/// attached to are muted (recorded as silenced) or held (sent when the window ends).
///
/// Every list is an OR of its ranges; the lists combine with AND; an empty list puts no limit.
package struct MuteWindow: Hashable, Sendable {
    /// What happens to a delivery inside the window.
    package enum Mode: String, Hashable, Sendable, CaseIterable {
        /// Recorded as silenced (`window:NAME`), never sent.
        case mute
        /// Kept back and sent when the window ends.
        case hold
    }

    /// A span of one day in minutes since midnight, start included, end excluded (1440: 24:00).
    package struct Minutes: Hashable, Sendable {
        package var start: Int
        package var end: Int
        package init(start: Int, end: Int) { self.start = start; self.end = end }
    }

    package var name: String
    package var mode: Mode = .mute
    /// Only alerts whose severity is below this (nil: every severity).
    package var below: Severity?
    /// Only deliveries to these sinks (nil: every sink).
    package var sinks: [String]?
    /// Only alerts naming one of these rules (nil: every rule).
    package var rules: [String]?
    /// The zone the calendar fields are read in (`location`, default UTC).
    package var timeZone: TimeZone = .gmt
    package var times: [Minutes] = []
    /// 0 Sunday … 6 Saturday.
    package var weekdays: [ClosedRange<Int>] = []
    /// 1…31, or -31…-1 counted from the month's end (-1: its last day).
    package var daysOfMonth: [ClosedRange<Int>] = []
    /// 1 January … 12 December.
    package var months: [ClosedRange<Int>] = []

    package init(name: String) { self.name = name }

    /// Whether the window is attached to this delivery (sink, the alert's rules, its severity).
    package func applies(sink: String, rules alertRules: [String], severity: Severity) -> Bool {
        if let below, severity >= below { return false }
        if let sinks, !sinks.contains(sink) { return false }
        if let rules, !alertRules.contains(where: rules.contains) { return false }
        return true
    }

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    /// Whether `date` lies inside the window.
    package func contains(_ date: Date) -> Bool {
        let calendar = calendar
        let parts = calendar.dateComponents([.month, .day, .weekday, .hour, .minute], from: date)
        let minute = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        if !times.isEmpty, !times.contains(where: { $0.start <= minute && minute < $0.end }) { return false }
        if !weekdays.isEmpty, !weekdays.contains(where: { $0.contains((parts.weekday ?? 1) - 1) }) { return false }
        if !months.isEmpty, !months.contains(where: { $0.contains(parts.month ?? 0) }) { return false }
        if !daysOfMonth.isEmpty {
            let length = calendar.range(of: .day, in: .month, for: date)?.count ?? 31
            let day = parts.day ?? 0
            let inside = daysOfMonth.contains { range in
                let low = range.lowerBound < 0 ? length + range.lowerBound + 1 : range.lowerBound
                let high = range.upperBound < 0 ? length + range.upperBound + 1 : range.upperBound
                return low <= day && day <= high
            }
            if !inside { return false }
        }
        return true
    }

    /// The first moment at or after `date` outside the window (`date` itself when it is outside):
    /// when a hold ends. Walks from boundary to boundary (a time range's end, else midnight), so
    /// a window spanning midnight (`22:00-24:00` and `00:00-07:00`) ends at 07:00. A window that
    /// never ends (no limits at all) gives up after about two years.
    package func end(after date: Date) -> Date {
        let calendar = calendar
        var moment = date
        for _ in 0..<1000 {
            guard contains(moment) else { return moment }
            let midnight = calendar.startOfDay(for: moment)
            let parts = calendar.dateComponents([.hour, .minute], from: moment)
            let minute = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
            let ends = times.filter { $0.start <= minute && minute < $0.end }.map(\.end)
            let next: Date?
            if let end = ends.max(), end < 1440 {
                next = calendar.date(byAdding: .minute, value: end, to: midnight)
            } else {
                next = calendar.date(byAdding: .day, value: 1, to: midnight)
            }
            moment = max(next ?? moment, moment.addingTimeInterval(60))
        }
        return moment
    }
}
