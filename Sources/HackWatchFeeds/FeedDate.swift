import Foundation
import HackWatchModel

/// Dates as real feeds write them, parsed by hand (no `DateFormatter`: locale-free and fast).
///
/// - RFC 822/1123/2822: `Tue, 23 Mar 2022 10:00:00 GMT`, without the day name, 2- or 4-digit
///   years (2-digit: < 50 → 20xx), full month or day names, missing seconds, zones `GMT`/`UT`/
///   `UTC`/`Z`, named zones from `zones` (minutes included: IST +05:30, NPT +05:45, ACST
///   +09:30…), `+0000`, `-05:00`; no zone means UTC. A zone name not in the table (1–5 letters)
///   is read as UTC and reported by `parse(_:note:)`, rather than dropping the date.
/// - RFC 3339 / ISO 8601: `2022-03-23T10:00:00Z`, fractional seconds, `+02:00` or `+0200`,
///   a space instead of `T`, date only (`2022-03-23`, midnight UTC); W3DTF partial dates
///   `2022` and `2022-03` (the first day, UTC); the basic form `20220329T120000Z`.
/// - `YYYYMMDD` (DeFiHackLabs), US `M/D/YYYY` and `MM/DD/YY` (rekt.news: `11/12/22`), and
///   through `from(_:format:)` `unix` seconds / `unix_ms` numbers or numeric strings (guess:
///   above 10^11 means ms).
enum FeedDate {
    /// RFC 3339 first, then the compact forms, RFC 822 and `M/D/YYYY`.
    static func parse(_ text: String) -> Date? {
        var note: String?
        return parse(text, note: &note)
    }

    /// `parse`, with `note` set when the date was read with a repair worth a warning (an
    /// unknown zone name read as UTC).
    static func parse(_ text: String, note: inout String?) -> Date? {
        guard text.utf8.count < 1000 else { return nil }  // hostile input: never worth trimming
        let trimmed = FeedText.trimmed(text)
        guard !trimmed.isEmpty, trimmed.utf8.count < 80 else { return nil }
        var unknownZone: String?
        let date = rfc3339(trimmed, unknownZone: &unknownZone) ?? compact(trimmed) ?? basic(trimmed)
            ?? partial(trimmed) ?? rfc822(trimmed, unknownZone: &unknownZone) ?? usSlashed(trimmed)
        if date != nil, let zone = unknownZone { note = "date '\(trimmed)': unknown time zone '\(zone)' read as UTC" }
        return date
    }

    /// W3DTF partial dates: `YYYY` and `YYYY-MM` (the first day, midnight UTC).
    static func partial(_ text: String) -> Date? {
        guard text.utf8.count == 4 || text.utf8.count == 7 else { return nil }  // before copying the bytes
        let b = Array(text.utf8)
        guard b.count == 4 || b.count == 7, b.prefix(4).allSatisfy(isDigit), let year = Int(String(decoding: b.prefix(4), as: UTF8.self))
        else { return nil }
        if b.count == 4 { return make(year: year, month: 1, day: 1, seconds: 0, offset: 0) }
        guard b[4] == UInt8(ascii: "-"), b[5...].allSatisfy(isDigit), let month = Int(String(decoding: b[5...], as: UTF8.self)) else { return nil }
        return make(year: year, month: month, day: 1, seconds: 0, offset: 0)
    }

    /// ISO 8601 basic form: `YYYYMMDDTHHMM[SS][Z|±HHMM|±HH]`.
    static func basic(_ text: String) -> Date? {
        guard text.utf8.count >= 13, startsWithDigit(text) else { return nil }  // before copying the bytes
        let b = Array(text.utf8)
        guard b.count >= 13, b[8] == UInt8(ascii: "T") || b[8] == UInt8(ascii: "t"),
              let day = compact(String(decoding: b[0..<8], as: UTF8.self)) else { return nil }
        var index = 9
        var clock: [Int] = []
        while clock.count < 3, index + 2 <= b.count, isDigit(b[index]), isDigit(b[index + 1]) {
            clock.append(Int(b[index] - 48) * 10 + Int(b[index + 1] - 48))
            index += 2
        }
        guard clock.count >= 2, clock[0] < 24, clock[1] < 60, clock.count < 3 || clock[2] <= 60 else { return nil }
        var offset = 0
        if index < b.count {
            guard let zone = zoneOffset(String(decoding: b[index...], as: UTF8.self)) else { return nil }
            offset = zone
        }
        let seconds = clock[0] * 3600 + clock[1] * 60 + (clock.count == 3 ? clock[2] : 0)
        return day.addingTimeInterval(Double(seconds - offset))
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }

    private static func startsWithDigit(_ text: String) -> Bool { text.utf8.first.map(isDigit) ?? false }

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
            var zone: String?
            return rfc3339(trimmed, unknownZone: &zone) ?? compact(trimmed) ?? basic(trimmed) ?? partial(trimmed)
        case (.string(let s), "unix"?), (.string(let s), "unix_ms"?):
            guard let n = Double(s.trimmingCharacters(in: .whitespaces)) else { return nil }
            return from(.number(n), format: format)
        case (.string(let s), _):
            let trimmed = s.trimmingCharacters(in: .whitespaces)
            if let day = compact(trimmed) ?? (trimmed.count == 4 ? partial(trimmed) : nil) { return day }
            if let n = Double(s.trimmingCharacters(in: .whitespaces)) { return from(.number(n), format: nil) }
            return parse(s)
        default: return nil
        }
    }

    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    /// Zone names feeds use, in minutes east of UTC. Ambiguous names take their most common
    /// meaning in English-language news: `CST` US Central, `IST` India, `BST` British Summer;
    /// the generic `ET`/`CT`/`MT`/`PT` take standard time.
    static let zones: [String: Int] = [
        "gmt": 0, "ut": 0, "utc": 0, "z": 0, "wet": 0, "west": 60, "bst": 60, "ist": 330,
        "est": -300, "edt": -240, "cst": -360, "cdt": -300, "mst": -420, "mdt": -360, "pst": -480, "pdt": -420,
        "et": -300, "ct": -360, "mt": -420, "pt": -480, "akst": -540, "akdt": -480, "hst": -600,
        "ast": -240, "adt": -180, "nst": -210, "ndt": -150, "brt": -180, "art": -180,
        "cet": 60, "cest": 120, "met": 60, "mest": 120, "eet": 120, "eest": 180, "msk": 180, "trt": 180,
        "wat": 60, "cat": 120, "sast": 120, "eat": 180, "gst": 240, "pkt": 300, "npt": 345, "ict": 420,
        "wib": 420, "sgt": 480, "hkt": 480, "pht": 480, "awst": 480, "jst": 540, "kst": 540,
        "acst": 570, "acdt": 630, "aest": 600, "aedt": 660, "nzst": 720, "nzdt": 780,
    ]

    /// `[Day,] D Mon YYYY HH:MM[:SS] [zone]`, tolerant of extra spaces and commas. Works on bytes:
    /// RSS feeds carry one such date per item.
    static func rfc822(_ text: String) -> Date? {
        var zone: String?
        return rfc822(text, unknownZone: &zone)
    }

    static func rfc822(_ text: String, unknownZone: inout String?) -> Date? {
        var text = text
        return text.withUTF8 { rfc822Bytes($0, unknownZone: &unknownZone) }
    }

    /// `rfc822` on the UTF-8 bytes. The first six words are kept as offset ranges on the stack
    /// (splitting into an array of slices, a String per zone and a clock array were most of an
    /// RSS item's date parse).
    private static func rfc822Bytes(_ bytes: UnsafeBufferPointer<UInt8>, unknownZone: inout String?) -> Date? {
        // Non-ASCII bytes count as letters, so a localised day name ("Mié") is skipped like "Wed".
        func isLetter(_ byte: UInt8) -> Bool { byte >= 0x80 || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) }
        func isSeparator(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x2C || byte == 0x09 }
        // Words: space, comma and tab separate, empty ones dropped; only the first six matter
        // (a day name, day, month, year, clock and zone).
        return withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: 6) { slots -> Date? in
            var count = 0, i = 0
            while i < bytes.count, count < 6 {
                while i < bytes.count, isSeparator(bytes[i]) { i += 1 }
                guard i < bytes.count else { break }
                let start = i
                while i < bytes.count, !isSeparator(bytes[i]) { i += 1 }
                slots.initializeElement(at: count, to: start..<i)
                count += 1
            }
            var first = 0
            if count > 0, isLetter(bytes[slots[0].lowerBound]), monthNumber(bytes[slots[0]]) == nil { first = 1 }  // day name
            guard count - first >= 3 else { return nil }
            var dayWord = slots[first], monthWord = slots[first + 1]
            // "Mar 23 2022" (month first) appears too.
            if isLetter(bytes[dayWord.lowerBound]) { swap(&dayWord, &monthWord) }
            let yearWord = slots[first + 2]
            guard let day = number(bytes[dayWord]), let month = monthNumber(bytes[monthWord]), var year = number(bytes[yearWord])
            else { return nil }
            if yearWord.count <= 2 { year += year < 50 ? 2000 : 1900 }
            var seconds = 0
            var offset = 0
            if count - first >= 4 {
                // HH:MM[:SS], each part 1 to 9 digits (empty parts fail).
                let clock = bytes[slots[first + 3]]
                var parts = (0, 0, 0), partCount = 0, start = clock.startIndex
                while true {
                    var end = start
                    while end < clock.endIndex, clock[end] != UInt8(ascii: ":") { end += 1 }
                    guard partCount < 3, let value = number(clock[start..<end]) else { return nil }
                    switch partCount {
                    case 0: parts.0 = value
                    case 1: parts.1 = value
                    default: parts.2 = value
                    }
                    partCount += 1
                    if end == clock.endIndex { break }
                    start = end + 1
                }
                guard partCount >= 2, parts.0 < 24, parts.1 < 60, partCount == 2 || parts.2 <= 60 else { return nil }
                seconds = parts.0 * 3600 + parts.1 * 60 + (partCount == 3 ? parts.2 : 0)
            }
            if count - first >= 5 {
                let zoneWord = bytes[slots[first + 4]]
                if let zone = utcZone(zoneWord) { offset = zone }
                else {
                    let word = String(decoding: zoneWord, as: UTF8.self)
                    if let zone = zoneOffset(word) { offset = zone }
                    else if isZoneName(word) { unknownZone = word }
                    else { return nil }
                }
            }
            return make(year: year, month: month, day: day, seconds: Double(seconds), offset: offset)
        }
    }

    /// 0 for `GMT`, `UTC`, `UT`, `Z` (any case) and `+0000`, without building a String (what
    /// nearly every feed writes); nil for anything else, which `zoneOffset` then reads.
    private static func utcZone(_ word: Slice<UnsafeBufferPointer<UInt8>>) -> Int? {
        if word.count == 5 {
            let sign = word[word.startIndex]
            return (sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-")) && word.dropFirst().allSatisfy { $0 == 0x30 } ? 0 : nil
        }
        guard word.count <= 3 else { return nil }
        var key: UInt32 = 0
        for byte in word { key = key << 8 | UInt32(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) }
        switch (word.count, key) {
        case (3, 0x67_6D_74), (3, 0x75_74_63), (2, 0x75_74), (1, 0x7A): return 0  // gmt utc ut z
        default: return nil
        }
    }

    /// 1 to 9 ASCII digits as a number.
    private static func number<Bytes: Collection<UInt8>>(_ digits: Bytes) -> Int? {
        guard !digits.isEmpty, digits.count <= 9 else { return nil }
        var value = 0
        for byte in digits {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }

    /// `Mar`, `march`, `MAR.` → 3: the first three letters, any case.
    static func monthNumber(_ word: Slice<UnsafeBufferPointer<UInt8>>) -> Int? {
        guard word.count >= 3 else { return nil }
        let start = word.startIndex
        func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
        // Compared as bytes: a String per call made this a tenth of an RSS item's date parse.
        let key = (lower(word[start]), lower(word[start + 1]), lower(word[start + 2]))
        return monthBytes.firstIndex { $0 == key }.map { $0 + 1 }
    }

    private static let monthBytes = months.map { month -> (UInt8, UInt8, UInt8) in
        let b = Array(month.utf8)
        return (b[0], b[1], b[2])
    }

    /// 1 to 5 ASCII letters: a zone name, known or not.
    static func isZoneName(_ word: String) -> Bool {
        (1...5).contains(word.utf8.count) && word.utf8.allSatisfy { $0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A }
    }

    /// Seconds east of UTC for `GMT`, `EST`, `IST`, `+0000`, `-05:00`, `+05`; nil when unknown.
    static func zoneOffset(_ word: String) -> Int? {
        if let minutes = zones[word.lowercased()] { return minutes * 60 }
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
        var zone: String?
        return rfc3339(text, unknownZone: &zone)
    }

    static func rfc3339(_ text: String, unknownZone: inout String?) -> Date? {
        // An RFC 822 date ("Tue, …") is turned away before its bytes are copied.
        guard text.utf8.count >= 10, startsWithDigit(text) else { return nil }
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
        guard b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == UInt8(ascii: " "),
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
            if let zone = zoneOffset(rest) { offset = zone }
            else if isZoneName(rest) { unknownZone = rest }
            else { return nil }
        }
        return make(year: year, month: month, day: day, seconds: seconds, offset: offset)
    }

    /// `M/D/YYYY` and `MM/DD/YY` (US order, as rekt.news writes it), optional padding; a
    /// two-digit year below 70 is 20xx.
    static func usSlashed(_ text: String) -> Date? {
        let parts = text.split(separator: "/")
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(isDigit) }),
              let month = Int(parts[0]), let day = Int(parts[1]), var year = Int(parts[2]),
              parts[2].count == 4 || parts[2].count == 2 else { return nil }
        if parts[2].count == 2 { year += year < 70 ? 2000 : 1900 }
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
