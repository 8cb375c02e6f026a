import Foundation

/// A length of time in seconds, written in config and rules as `90s`, `30m`, `24h`, `7d`, `2w`.
///
/// Named `TimeSpan` rather than `Duration` so it never shadows the standard library's type.
package struct TimeSpan: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Length in seconds.
    package var seconds: Double

    /// Creates a span of `seconds` seconds.
    package init(seconds: Double) { self.seconds = seconds }

    package static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.seconds < rhs.seconds }

    /// Seconds per unit suffix.
    package static let units: [(suffix: String, seconds: Double)] = [
        ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400), ("w", 604_800),
    ]

    /// Parses `"90s"`, `"5m"`, `"1h"`, `"7d"`, `"2w"`, `"250ms"` or a bare number of seconds.
    /// Returns nil for anything else (negative, empty, unknown unit).
    package init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        if let plain = Double(trimmed) {
            guard plain >= 0, plain.isFinite else { return nil }
            self.seconds = plain
            return
        }
        // Longest suffix first so "ms" is not read as "m" + "s".
        for unit in Self.units.sorted(by: { $0.suffix.count > $1.suffix.count }) where trimmed.hasSuffix(unit.suffix) {
            let number = trimmed.dropLast(unit.suffix.count)
            guard let value = Double(number), value >= 0, value.isFinite,
                  number.first?.isNumber == true else { return nil }
            self.seconds = value * unit.seconds
            return
        }
        return nil
    }

    /// The shortest exact form: `7d`, `90s`, `1.5h`.
    package var description: String {
        for unit in Self.units.reversed() where unit.seconds >= 1 && seconds >= unit.seconds {
            let count = seconds / unit.seconds
            if count == count.rounded(), count < 0x1p62 { return "\(Int64(count))\(unit.suffix)" }
        }
        // Int64() traps past 2^63 (a config's `1e300`): such spans print as Swift writes them.
        return seconds == seconds.rounded() && abs(seconds) < 0x1p62 ? "\(Int64(seconds))s" : "\(seconds)s"
    }
}

