import Foundation
import Testing
import HackWatchModel
@testable import HackWatchConfiguration

/// `time_intervals` (issue 14): decoding, `check`'s messages, and the window arithmetic.
@Suite struct MuteWindowConfigTests {
    static func decode(_ intervals: String) throws(ConfigError) -> HackWatchConfig {
        let json = #"{"sinks": [{"name": "pager", "type": "stdout"}, {"name": "chat", "type": "stdout"}], "time_intervals": "#
            + intervals + "}"
        return try HackWatchConfig.decode(Array(json.utf8), path: "/etc/hackwatch/config.json", environment: [:])
    }

    static func date(_ text: String) -> Date { Incident.parseDate(text)! }

    static let nights = #"""
        [{"name": "nights", "mode": "hold", "below": "critical", "sinks": ["pager"], "rules": ["big"],
          "location": "Europe/Berlin", "times": [{"start_time": "22:00", "end_time": "24:00"}, {"start_time": "00:00", "end_time": "07:00"}],
          "weekdays": ["monday:friday"], "days_of_month": ["1:10", -1], "months": ["january:march", 12]}]
        """#

    @Test func everyKeyIsDecoded() throws {
        let window = try #require(try Self.decode(Self.nights).timeIntervals.first)
        #expect(window.name == "nights" && window.mode == .hold && window.below == .critical)
        #expect(window.sinks == ["pager"] && window.rules == ["big"])
        #expect(window.timeZone.identifier == "Europe/Berlin")
        #expect(window.times == [MuteWindow.Minutes(start: 1320, end: 1440), MuteWindow.Minutes(start: 0, end: 420)])
        #expect(window.weekdays == [1...5] && window.daysOfMonth == [1...10, -1 ... -1] && window.months == [1...3, 12...12])
        let plain = try #require(try Self.decode(#"[{"name": "w"}]"#).timeIntervals.first)
        #expect(plain.mode == .mute && plain.timeZone.secondsFromGMT() == 0 && plain.sinks == nil && plain.below == nil)
    }

    @Test(arguments: [
        (#"[{"name": "n", "location": "Mars/Olympus"}]"#,
         "$.time_intervals[0].location: unknown time zone 'Mars/Olympus' (a tz database name such as 'Europe/Berlin', 'UTC' or 'Local')"),
        (#"[{"name": "n", "mode": "snooze"}]"#, "$.time_intervals[0].mode: unknown mode 'snooze' (one of mute, hold)"),
        (#"[{"name": "n", "sinks": ["pagr"]}]"#, "$.time_intervals[0].sinks[0]: unknown sink 'pagr'; did you mean 'pager'?"),
        (#"[{"name": "n", "times": [{"start_time": "22:00", "end_time": "06:00"}]}]"#,
         "$.time_intervals[0].times[0]: end_time must be after start_time (a range over midnight is two ranges: 22:00-24:00 and 00:00-06:00)"),
        (#"[{"name": "n", "times": [{"start_time": "7:00", "end_time": "09:00"}]}]"#,
         "$.time_intervals[0].times[0].start_time: expected a time of day HH:MM between 00:00 and 24:00, got '7:00'"),
        (#"[{"name": "n", "weekdays": ["friday:monday"]}]"#,
         "$.time_intervals[0].weekdays[0]: invalid weekdays 'friday:monday': expected a value or an ascending range a:b of sunday…saturday or 0…6"),
        (#"[{"name": "n", "days_of_month": [32]}]"#,
         "$.time_intervals[0].days_of_month[0]: invalid days_of_month '32': expected a value or an ascending range a:b of 1…31 or -31…-1 from the end"),
        (#"[{"name": "n", "months": ["smarch"]}]"#,
         "$.time_intervals[0].months[0]: invalid months 'smarch': expected a value or an ascending range a:b of january…december or 1…12"),
        (#"[{"name": "n"}, {"name": "n"}]"#, "$.time_intervals[1].name: duplicate time interval name 'n'"),
        (#"[{"name": "n", "weekday": ["monday"]}]"#, "$.time_intervals[0].weekday: unknown key 'weekday'; did you mean 'weekdays'?"),
        (#"{"name": "n"}"#, "$.time_intervals: expected a list, got object"),
    ])
    func badWindowsAreNamed(json: String, message: String) {
        do {
            _ = try Self.decode(json)
            Issue.record("accepted \(json)")
        } catch {
            #expect(error.problems.map { "\($0.path): \($0.message)" }.contains(message), "\(error.description)")
        }
    }

    /// Weekday nights in Berlin, over midnight: inside from 22:00 to 07:00 local time.
    @Test func containsReadsTheCalendarInTheWindowsZone() throws {
        var window = MuteWindow(name: "nights")
        window.timeZone = try #require(TimeZone(identifier: "Europe/Berlin"))
        window.times = [MuteWindow.Minutes(start: 1320, end: 1440), MuteWindow.Minutes(start: 0, end: 420)]
        window.weekdays = [1...5]
        #expect(window.contains(Self.date("2026-12-01T21:30:00Z")))   // Tue 22:30 Berlin
        #expect(!window.contains(Self.date("2026-12-01T20:59:00Z")))  // Tue 21:59
        #expect(window.contains(Self.date("2026-12-02T05:59:00Z")))   // Wed 06:59
        #expect(!window.contains(Self.date("2026-12-02T06:00:00Z")))  // Wed 07:00
        #expect(!window.contains(Self.date("2026-12-05T23:00:00Z")))  // Sun 00:00
        // The hold ends at 07:00 Berlin the next morning, over midnight.
        #expect(window.end(after: Self.date("2026-12-01T21:30:00Z")) == Self.date("2026-12-02T06:00:00Z"))
        // Friday night's range ends at Saturday 00:00 (Saturday is outside the weekdays).
        #expect(window.end(after: Self.date("2026-12-04T22:00:00Z")) == Self.date("2026-12-04T23:00:00Z"))
        #expect(window.end(after: Self.date("2026-12-01T12:00:00Z")) == Self.date("2026-12-01T12:00:00Z"))
    }

    @Test func negativeDaysCountFromTheMonthsEnd() {
        var window = MuteWindow(name: "month-end")
        window.daysOfMonth = [-2 ... -1]
        window.months = [2...2]
        #expect(window.contains(Self.date("2028-02-28T10:00:00Z")))   // leap year: 28th is the last but one
        #expect(!window.contains(Self.date("2028-02-27T10:00:00Z")))
        #expect(!window.contains(Self.date("2028-03-31T10:00:00Z")))
        #expect(window.end(after: Self.date("2028-02-28T10:00:00Z")) == Self.date("2028-03-01T00:00:00Z"))
    }

    @Test func attachmentFiltersBySinkRuleAndSeverity() {
        var window = MuteWindow(name: "w")
        window.below = .critical
        window.sinks = ["pager"]
        window.rules = ["big"]
        #expect(window.applies(sink: "pager", rules: ["small", "big"], severity: .high))
        #expect(!window.applies(sink: "pager", rules: ["big"], severity: .critical))
        #expect(!window.applies(sink: "chat", rules: ["big"], severity: .high))
        #expect(!window.applies(sink: "pager", rules: ["small"], severity: .high))
    }
}
