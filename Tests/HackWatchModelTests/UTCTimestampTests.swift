import Foundation
import Testing
@testable import HackWatchModel

/// Log timestamps are written by hand (no ICU-backed formatter): the same text the
/// `ISO8601DateFormatter` with fractional seconds wrote, for every date a log line can carry.
@Suite struct UTCTimestampTests {
    @Test(arguments: [
        (1_700_000_000.0, "2023-11-14T22:13:20.000Z"),
        (1_700_000_000.25, "2023-11-14T22:13:20.250Z"),
        (1_700_000_000.9999, "2023-11-14T22:13:20.999Z"),
        (0.0, "1970-01-01T00:00:00.000Z"),
        (-0.5, "1969-12-31T23:59:59.500Z"),
        (951_782_400.0, "2000-02-29T00:00:00.000Z"),
        (1e300, "9999-12-31T23:59:59.000Z"),
        (-1e300, "0000-01-01T00:00:00.000Z"),
        (Double.nan, "1970-01-01T00:00:00.000Z"),
    ])
    func milliseconds(seconds: Double, expected: String) {
        #expect(UTCTimestamp.milliseconds(Date(timeIntervalSince1970: seconds)) == expected)
    }
}
