import Foundation
import HackWatchModel

extension ConfigReader {
    static let muteWindowKeys = ["name", "mode", "below", "sinks", "rules", "location", "times", "weekdays", "days_of_month", "months", "comment"]
    static let weekdayNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
    static let monthNames = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
                             "october", "november", "december"]

    /// `time_intervals`: mute windows (README "Silences and mute windows"). Sink names are checked
    /// against `sinks`; rule names are checked where the rules are loaded.
    mutating func muteWindows(_ members: [String: JSONValue], sinks: [String], at root: ConfigPath) -> [MuteWindow] {
        guard let value = members["time_intervals"] else { return [] }
        guard case .array(let items) = value else {
            report(root.key("time_intervals"), "expected a list, got \(value.typeName)")
            return []
        }
        var windows: [MuteWindow] = []
        for (index, item) in items.enumerated() {
            let path = root.key("time_intervals").index(index)
            guard let object = object(item, at: path) else { continue }
            if let window = muteWindow(object, sinks: sinks, at: path) {
                if windows.contains(where: { $0.name == window.name }) {
                    report(path.key("name"), "duplicate time interval name '\(window.name)'")
                } else {
                    windows.append(window)
                }
            }
        }
        return windows
    }

    private mutating func muteWindow(_ members: [String: JSONValue], sinks: [String], at path: ConfigPath) -> MuteWindow? {
        rejectUnknownKeys(members, known: Self.muteWindowKeys, at: path)
        let before = problems.count
        guard let name = name(members, at: path) else { return nil }
        var window = MuteWindow(name: name)
        if let mode = choice(members, "mode", among: MuteWindow.Mode.allCases.map(\.rawValue), what: "mode", at: path) {
            window.mode = MuteWindow.Mode(rawValue: mode) ?? .mute
        }
        if let below = choice(members, "below", among: Severity.allCases.map(\.rawValue), what: "severity", at: path) {
            window.below = Severity(rawValue: below)
        }
        window.sinks = names(members, "sinks", at: path)
        for (index, sink) in (window.sinks ?? []).enumerated() where !sinks.contains(sink) {
            report(path.key("sinks").index(index), "unknown sink '\(sink)'\(Self.hint(sink, among: sinks))")
        }
        window.rules = names(members, "rules", at: path)
        if let location = string(members, "location", at: path) {
            // The system tz database (tzdata), as Alertmanager's `location`; "Local" is this host's zone.
            if let zone = location == "Local" ? TimeZone.current : TimeZone(identifier: location) { window.timeZone = zone }
            else { report(path.key("location"), "unknown time zone '\(location)' (a tz database name such as 'Europe/Berlin', 'UTC' or 'Local')") }
        }
        window.times = times(members, at: path)
        window.weekdays = ranges(members, "weekdays", at: path, bounds: 0...6, names: Self.weekdayNames, negative: false)
        window.daysOfMonth = ranges(members, "days_of_month", at: path, bounds: 1...31, names: [], negative: true)
        window.months = ranges(members, "months", at: path, bounds: 1...12, names: Self.monthNames, negative: false)
        return problems.count == before ? window : nil
    }

    /// An optional non-empty list of names.
    private mutating func names(_ members: [String: JSONValue], _ key: String, at path: ConfigPath) -> [String]? {
        guard let value = members[key] else { return nil }
        guard case .array(let items) = value, !items.isEmpty else {
            report(path.key(key), value.arrayValue == nil ? "expected a list of names, got \(value.typeName)" : "must not be empty (leave the key out for all)")
            return nil
        }
        return items.enumerated().compactMap { index, item in
            guard let text = item.stringValue, !text.isEmpty else {
                report(path.key(key).index(index), "expected a name, got \(item.typeName)")
                return nil
            }
            return text
        }
    }

    /// `times`: `[{"start_time": "22:00", "end_time": "24:00"}]`.
    private mutating func times(_ members: [String: JSONValue], at path: ConfigPath) -> [MuteWindow.Minutes] {
        guard let value = members["times"] else { return [] }
        guard case .array(let items) = value else {
            report(path.key("times"), "expected a list, got \(value.typeName)")
            return []
        }
        var result: [MuteWindow.Minutes] = []
        for (index, item) in items.enumerated() {
            let at = path.key("times").index(index)
            guard let object = object(item, at: at) else { continue }
            rejectUnknownKeys(object, known: ["start_time", "end_time"], at: at)
            let start = string(object, "start_time", at: at, required: true).flatMap { minutes($0, at: at.key("start_time")) }
            let end = string(object, "end_time", at: at, required: true).flatMap { minutes($0, at: at.key("end_time")) }
            guard let start, let end else { continue }
            guard start < end else {
                report(at, "end_time must be after start_time (a range over midnight is two ranges: 22:00-24:00 and 00:00-06:00)")
                continue
            }
            result.append(MuteWindow.Minutes(start: start, end: end))
        }
        return result
    }

    /// `HH:MM`, 00:00 to 24:00.
    private mutating func minutes(_ text: String, at path: ConfigPath) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]),
           (0...23).contains(hour) && (0...59).contains(minute) || (hour == 24 && minute == 0) {
            return hour * 60 + minute
        }
        report(path, "expected a time of day HH:MM between 00:00 and 24:00, got '\(text)'")
        return nil
    }

    /// A list of values or `a:b` ranges (`"monday:friday"`, `"1:7"`, `-1`, `"march"`).
    private mutating func ranges(_ members: [String: JSONValue], _ key: String, at path: ConfigPath, bounds: ClosedRange<Int>,
                                 names: [String], negative: Bool) -> [ClosedRange<Int>] {
        guard let value = members[key] else { return [] }
        guard case .array(let items) = value else {
            report(path.key(key), "expected a list, got \(value.typeName)")
            return []
        }
        var result: [ClosedRange<Int>] = []
        for (index, item) in items.enumerated() {
            let at = path.key(key).index(index)
            let text: String
            switch item {
            case .string(let string): text = string
            case .number(let number): text = ConfigReader.format(number)
            default:
                report(at, "expected a value or a range a:b, got \(item.typeName)")
                continue
            }
            let ends = text.split(separator: ":", omittingEmptySubsequences: false).map { String($0) }
            let values = ends.map { rangeValue($0.lowercased(), bounds: bounds, names: names, negative: negative) }
            guard ends.count <= 2, values.allSatisfy({ $0 != nil }), let low = values.first ?? nil, let high = values.last ?? nil,
                  (low < 0) != (high < 0) || low <= high else {
                let accepted = names.isEmpty ? "\(bounds.lowerBound)…\(bounds.upperBound)" + (negative ? " or -\(bounds.upperBound)…-1 from the end" : "")
                    : "\(names.first!)…\(names.last!) or \(bounds.lowerBound)…\(bounds.upperBound)"
                report(at, "invalid \(key) '\(text)': expected a value or an ascending range a:b of \(accepted)")
                continue
            }
            result.append(low...high)
        }
        return result
    }

    private func rangeValue(_ text: String, bounds: ClosedRange<Int>, names: [String], negative: Bool) -> Int? {
        if let index = names.firstIndex(of: text) { return index + bounds.lowerBound }
        guard let number = Int(text) else { return nil }
        if bounds.contains(number) { return number }
        if negative, (-bounds.upperBound...(-1)).contains(number) { return number }
        return nil
    }
}
