import Foundation
import HackWatchModel

/// Dates as real feeds write them, parsed by hand (no `DateFormatter`: locale-free and fast).
///
/// - RFC 822/1123/2822: `Tue, 23 Mar 2022 10:00:00 GMT`, without the day name, 2- or 4-digit
///   years (2-digit: < 50 → 20xx), full month or day names, missing seconds, zones `GMT`/`UT`/
///   `UTC`/`Z`, US zones (`EST`, `PDT`, …), `+0000`, `-05:00`; no zone means UTC.
/// - RFC 3339 / ISO 8601: `2022-03-23T10:00:00Z`, fractional seconds, `+02:00` or `+0200`,
///   a space instead of `T`, date only (`2022-03-23`, midnight UTC).
/// - `YYYYMMDD` (DeFiHackLabs), US `M/D/YYYY` (rekt.news), and through `from(_:format:)`
///   `unix` seconds / `unix_ms` numbers or numeric strings (guess: above 10^11 means ms).
enum FeedDate {
    /// RFC 822 first, then RFC 3339, then `M/D/YYYY`.
    static func parse(_ text: String) -> Date? {
        guard text.utf8.count < 1000 else { return nil }  // hostile input: never worth trimming
        let trimmed = FeedText.trimmed(text)
        guard !trimmed.isEmpty, trimmed.utf8.count < 80 else { return nil }
        return rfc3339(trimmed) ?? compact(trimmed) ?? rfc822(trimmed) ?? usSlashed(trimmed)
    }

    /// ISO 8601 basic `YYYYMMDD` (DeFiHackLabs), midnight UTC.
    static func compact(_ text: String) -> Date? {
        guard text.utf8.count == 8, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let value = Int(text) else { return nil }
        return make(year: value / 10_000, month: value / 100 % 100, day: value % 100, seconds: 0, offset: 0)
    }

    /// A JSON value as `format` says (`unix`, `unix_ms`, `iso8601`), or guessed when nil/`guess`:
    /// numbers above 10^11 are milliseconds, strings go through `parse`.
    static func from(_ value: JSONValue, format: String?) -> Date? {
        switch (value, format) {
        case (.number(let n), "unix_ms"?): return Date(timeIntervalSince1970: n / 1000)
        case (.number(let n), "unix"?): return Date(timeIntervalSince1970: n)
        case (.number(let n), _): return Date(timeIntervalSince1970: abs(n) > 1e11 ? n / 1000 : n)
        case (.string(let s), "iso8601"?):
            let trimmed = s.trimmingCharacters(in: .whitespaces)
            return rfc3339(trimmed) ?? compact(trimmed)
        case (.string(let s), "unix"?), (.string(let s), "unix_ms"?):
            guard let n = Double(s.trimmingCharacters(in: .whitespaces)) else { return nil }
            return from(.number(n), format: format)
        case (.string(let s), _):
            if let day = compact(s.trimmingCharacters(in: .whitespaces)) { return day }
            if let n = Double(s.trimmingCharacters(in: .whitespaces)) { return from(.number(n), format: nil) }
            return parse(s)
        default: return nil
        }
    }

    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    static let zones: [String: Int] = [
        "gmt": 0, "ut": 0, "utc": 0, "z": 0,
        "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
        "cet": 1, "cest": 2, "bst": 1, "ist": 5, "jst": 9, "sgt": 8, "hkt": 8, "kst": 9, "aest": 10,
    ]

    /// `[Day,] D Mon YYYY HH:MM[:SS] [zone]`, tolerant of extra spaces and commas. Works on bytes:
    /// RSS feeds carry one such date per item.
    static func rfc822(_ text: String) -> Date? {
        // Non-ASCII bytes count as letters, so a localised day name ("Mié") is skipped like "Wed".
        func isLetter(_ byte: UInt8) -> Bool { byte >= 0x80 || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) }
        let bytes = Array(text.utf8)
        var words = bytes.split(whereSeparator: { $0 == 0x20 || $0 == 0x2C || $0 == 0x09 })
        if let first = words.first, isLetter(first[first.startIndex]), monthNumber(first) == nil { words.removeFirst() }  // day name
        guard words.count >= 3 else { return nil }
        // "Mar 23 2022" (month first) appears too.
        if isLetter(words[0][words[0].startIndex]) { words.swapAt(0, 1) }
        guard let day = number(words[0]), let month = monthNumber(words[1]), var year = number(words[2]) else { return nil }
        if words[2].count <= 2 { year += year < 50 ? 2000 : 1900 }
        var seconds = 0
        var offset = 0
        if words.count >= 4 {
            let clock = words[3].split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false).map(number)
            guard clock.count >= 2, clock.count <= 3, !clock.contains(nil) else { return nil }
            let parts = clock.map { $0! }
            guard parts[0] < 24, parts[1] < 60, (parts.count == 2 || parts[2] <= 60) else { return nil }
            seconds = parts[0] * 3600 + parts[1] * 60 + (parts.count == 3 ? parts[2] : 0)
        }
        if words.count >= 5 {
            guard let zone = zoneOffset(String(decoding: words[4], as: UTF8.self)) else { return nil }
            offset = zone
        }
        return make(year: year, month: month, day: day, seconds: Double(seconds), offset: offset)
    }

    /// 1 to 9 ASCII digits as a number.
    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        guard !digits.isEmpty, digits.count <= 9 else { return nil }
        var value = 0
        for byte in digits {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }

    /// `Mar`, `march`, `MAR.` → 3: the first three letters, any case.
    static func monthNumber(_ word: ArraySlice<UInt8>) -> Int? {
        guard word.count >= 3 else { return nil }
        let start = word.startIndex
        let key = String(decoding: word[start..<(start + 3)].map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
        return months.firstIndex(of: key).map { $0 + 1 }
    }

    /// Seconds east of UTC for `GMT`, `EST`, `+0000`, `-05:00`, `+05`; nil when unknown.
    static func zoneOffset(_ word: String) -> Int? {
        if let hours = zones[word.lowercased()] { return hours * 3600 }
        guard let sign = word.first, sign == "+" || sign == "-" else {
            // Single-letter military zones other than Z are ambiguous in practice: UTC.
            return word.count == 1 && word.first!.isLetter ? 0 : nil
        }
        let digits = word.dropFirst().filter { $0 != ":" }
        guard digits.allSatisfy(\.isASCII), let value = Int(digits), digits.count == 4 || digits.count == 2 else { return nil }
        let minutes = digits.count == 4 ? (value / 100) * 60 + value % 100 : value * 60
        return (sign == "-" ? -1 : 1) * minutes * 60
    }

    /// `YYYY-MM-DD[(T| )HH:MM[:SS[.frac]]][Z|±HH:MM|±HHMM]`.
    static func rfc3339(_ text: String) -> Date? {
        let b = Array(text.utf8)
        func digits(_ at: Int, _ count: Int) -> Int? {
            guard at + count <= b.count else { return nil }
            var value = 0
            for i in at..<(at + count) {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                value = value * 10 + Int(b[i] - 48)
            }
            return value
        }
        guard b.count >= 10, let year = digits(0, 4), b[4] == UInt8(ascii: "-"), let month = digits(5, 2),
              b[7] == UInt8(ascii: "-"), let day = digits(8, 2) else { return nil }
        if b.count == 10 { return make(year: year, month: month, day: day, seconds: 0, offset: 0) }
        guard [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(b[10]),
              let hour = digits(11, 2), b.count > 13, b[13] == UInt8(ascii: ":"), let minute = digits(14, 2),
              hour < 24, minute < 60 else { return nil }
        var index = 16
        var seconds = Double(hour * 3600 + minute * 60)
        if index < b.count, b[index] == UInt8(ascii: ":") {
            guard let second = digits(17, 2), second <= 60 else { return nil }
            seconds += Double(second)
            index = 19
            if index < b.count, b[index] == UInt8(ascii: ".") || b[index] == UInt8(ascii: ",") {
                index += 1
                var scale = 0.1
                let start = index
                while index < b.count, b[index] >= 48, b[index] <= 57 {
                    seconds += Double(b[index] - 48) * scale
                    scale /= 10
                    index += 1
                }
                guard index > start else { return nil }
            }
        }
        let rest = String(decoding: b[index...], as: UTF8.self).trimmingCharacters(in: .whitespaces)
        var offset = 0
        if !rest.isEmpty {
            guard let zone = zoneOffset(rest) else { return nil }
            offset = zone
        }
        return make(year: year, month: month, day: day, seconds: seconds, offset: offset)
    }

    /// `M/D/YYYY` (US order, as rekt.news writes it), optional padding.
    static func usSlashed(_ text: String) -> Date? {
        let parts = text.split(separator: "/")
        guard parts.count == 3, let month = Int(parts[0]), let day = Int(parts[1]), let year = Int(parts[2]),
              parts[2].count == 4 else { return nil }
        return make(year: year, month: month, day: day, seconds: 0, offset: 0)
    }

    static func make(year: Int, month: Int, day: Int, seconds: Double, offset: Int) -> Date? {
        guard (1...12).contains(month), (1...31).contains(day), (1970...2200).contains(year) else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        guard day <= daysIn(year: year, month: month) else { return nil }
        return Date(timeIntervalSince1970: Double(days) * 86_400 + seconds - Double(offset))
    }

    static func daysIn(year: Int, month: Int) -> Int {
        daysFromCivil(year: month == 12 ? year + 1 : year, month: month == 12 ? 1 : month + 1, day: 1)
            - daysFromCivil(year: year, month: month, day: 1)
    }

    /// Howard Hinnant's days_from_civil.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
