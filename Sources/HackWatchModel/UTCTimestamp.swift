import Foundation

/// ISO 8601 timestamps in UTC written by hand: `2023-11-14T22:13:20.000Z`. Log lines are
/// stamped with this rather than an `ISO8601DateFormatter`, which loads ICU's calendar data
/// (about 6 MiB of resident pages) and costs an allocation-heavy formatter per line.
package enum UTCTimestamp {
    /// `date` as `YYYY-MM-DDTHH:MM:SS.mmmZ` (milliseconds truncated, as the formatter did);
    /// dates past year 9999 or before year 0 are clamped rather than trapping.
    package static func milliseconds(_ date: Date) -> String {
        let raw = date.timeIntervalSince1970
        let clamped = raw.isNaN ? 0 : min(max(raw, -62_167_219_200), 253_402_300_799)
        let whole = clamped.rounded(.down)
        var time = time_t(whole)
        var parts = tm()
        gmtime_r(&time, &parts)
        let millis = min(999, max(0, Int((clamped - whole) * 1000)))
        return String(unsafeUninitializedCapacity: 24) { out in
            var at = 0
            func put(_ value: Int, _ digits: Int) {
                var value = value, index = at + digits - 1
                while index >= at {
                    out[index] = UInt8(48 + value % 10)
                    value /= 10
                    index -= 1
                }
                at += digits
            }
            func put(_ byte: UInt8) { out[at] = byte; at += 1 }
            put(Int(parts.tm_year) + 1900, 4); put(UInt8(ascii: "-"))
            put(Int(parts.tm_mon) + 1, 2); put(UInt8(ascii: "-"))
            put(Int(parts.tm_mday), 2); put(UInt8(ascii: "T"))
            put(Int(parts.tm_hour), 2); put(UInt8(ascii: ":"))
            put(Int(parts.tm_min), 2); put(UInt8(ascii: ":"))
            put(Int(parts.tm_sec), 2); put(UInt8(ascii: "."))
            put(millis, 3); put(UInt8(ascii: "Z"))
            return at
        }
    }
}
