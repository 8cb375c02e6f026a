import Foundation
import HackWatchModel

/// A scheduled summary (`digests` in the config; README "Digests").
package struct DigestConfig: Hashable, Sendable {
    /// Unique among digests; part of its delivery ids (`digest:NAME:PERIOD_END`).
    package var name: String
    /// When it is sent, in the config's `time_zone`.
    package var schedule: DigestSchedule
    /// `7d`, `30d`, `2w`, or `mtd`/`qtd`/`ytd`: the days covered, ending the day before the send.
    package var window: String
    /// A rule-language condition: which incidents count (nil: all). Checked when rules load.
    package var over: String?
    /// How many incidents the top list shows (0: none).
    package var top: Int = 5
    /// `1y`: the comparison window's shift back, if any.
    package var compare: String?
    /// A `stats --by` breakdown, if any.
    package var by: String?
    /// Sink names; nil = the default sinks.
    package var notify: [String]?
    /// The message's severity (sinks' `min_severity` applies).
    package var severity: Severity = .info
    /// No message for a period without incidents (else a "quiet week" message).
    package var skipEmpty: Bool = false
    package var enabled: Bool = true

    package init(name: String, schedule: DigestSchedule, window: String) {
        self.name = name
        self.schedule = schedule
        self.window = window
    }
}

/// `mon 09:00` (weekly) or `daily 09:00` / `09:00`.
package struct DigestSchedule: Hashable, Sendable, CustomStringConvertible {
    /// 1 = Sunday … 7 = Saturday (Foundation's numbering); nil: every day.
    package var weekday: Int?
    package var hour: Int
    package var minute: Int

    package static let weekdays = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    /// Parses a schedule; nil when it is not one.
    package init?(_ text: String) {
        let parts = text.lowercased().split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard (1...2).contains(parts.count) else { return nil }
        if parts.count == 2 {
            if parts[0] == "daily" { weekday = nil }
            else if let index = Self.weekdays.firstIndex(where: { parts[0].hasPrefix($0) && $0.count <= parts[0].count }) { weekday = index + 1 }
            else { return nil }
        }
        let clock = parts[parts.count - 1].split(separator: ":")
        guard clock.count == 2, let hour = Int(clock[0]), let minute = Int(clock[1]), (0...23).contains(hour), (0...59).contains(minute),
              clock[1].count == 2 else { return nil }
        self.hour = hour
        self.minute = minute
    }

    /// The latest scheduled instant at or before `now` in `zone`.
    package func latest(atOrBefore now: Date, in zone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let today = calendar.startOfDay(for: now)
        for back in 0...8 {
            guard let day = calendar.date(byAdding: .day, value: -back, to: today) else { continue }
            if let weekday, calendar.component(.weekday, from: day) != weekday { continue }
            guard let at = calendar.date(bySettingHour: hour, minute: minute, second: 0, of: day), at <= now else { continue }
            return at
        }
        return nil
    }

    /// As written canonically: `mon 09:00`, `daily 09:00`.
    package var description: String {
        (weekday.map { Self.weekdays[$0 - 1] } ?? "daily") + " " + String(format: "%02d:%02d", hour, minute)
    }
}
