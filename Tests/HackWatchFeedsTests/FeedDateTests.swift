import Foundation
import Testing
@testable import HackWatchFeeds

@Suite struct FeedDateTests {
    @Test(arguments: [
        ("Wed, 23 Mar 2022 10:00:00 GMT", "2022-03-23T10:00:00Z"),
        ("23 Mar 2022 10:00:00 +0000", "2022-03-23T10:00:00Z"),
        ("Wed, 23 Mar 22 10:00:00 GMT", "2022-03-23T10:00:00Z"),
        ("Wed, 23 Mar 2022 05:00:00 EST", "2022-03-23T10:00:00Z"),
        ("Wed, 23 Mar 2022 03:00 PDT", "2022-03-23T10:00:00Z"),
        ("Wednesday, 23 March 2022 12:00:00 +02:00", "2022-03-23T10:00:00Z"),
        ("Wed, 3 Mar 2022 10:00:00 -0500", "2022-03-03T15:00:00Z"),
        ("Wed, 23 Mar 2022 10:00:00", "2022-03-23T10:00:00Z"),
        ("Wed, 23 Mar 2022 10:00:00 UT", "2022-03-23T10:00:00Z"),
        ("Mar 23 2022 10:00:00 GMT", "2022-03-23T10:00:00Z"),
        ("2022-03-23T10:00:00Z", "2022-03-23T10:00:00Z"),
        ("2022-03-23T10:00:00.123456Z", "2022-03-23T10:00:00Z"),
        ("2022-03-23T12:00:00+02:00", "2022-03-23T10:00:00Z"),
        ("2022-03-23T05:00:00-0500", "2022-03-23T10:00:00Z"),
        ("2022-03-23 10:00:00", "2022-03-23T10:00:00Z"),
        ("2022-03-23t10:00z", "2022-03-23T10:00:00Z"),
        ("2022-03-23", "2022-03-23T00:00:00Z"),
        ("3/29/2022", "2022-03-29T00:00:00Z"),
        ("20220329", "2022-03-29T00:00:00Z"),
        ("  Wed, 23 Mar 2022 10:00:00 GMT\n", "2022-03-23T10:00:00Z"),
    ])
    func parses(text: String, expected: String) throws {
        let date = try #require(FeedDate.parse(text))
        #expect(date.timeIntervalSince1970.rounded(.down) == FeedFixtures.date(expected).timeIntervalSince1970)
    }

    @Test func keepsFractionalSeconds() throws {
        let date = try #require(FeedDate.parse("2022-03-23T10:00:00.5Z"))
        #expect(date.timeIntervalSince1970 == FeedFixtures.date("2022-03-23T10:00:00Z").timeIntervalSince1970 + 0.5)
    }

    @Test(arguments: ["", "yesterday", "2022-13-01", "2022-02-30", "32 Mar 2022", "Wed, 23 Foo 2022 10:00:00 GMT",
                      "2022-03-23T25:00:00Z", "23 Mar 2022 10:00:00 +5x", "2022-03-23T10:00:00+5",
                      "2022-13", "20221", "11/12/222", "11/12/2", "1/x/22", "20220329T25", "20220329T1200+5x", "1969", String(repeating: "9", count: 200)])
    func rejects(text: String) {
        #expect(FeedDate.parse(text) == nil)
    }

    @Test func jsonValues() {
        #expect(FeedDate.from(.number(1647993600), format: "unix") == FeedFixtures.date("2022-03-23"))
        #expect(FeedDate.from(.number(1647993600000), format: "unix_ms") == FeedFixtures.date("2022-03-23"))
        #expect(FeedDate.from(.number(1647993600000), format: nil) == FeedFixtures.date("2022-03-23"))
        #expect(FeedDate.from(.string("1647993600"), format: "guess") == FeedFixtures.date("2022-03-23"))
        #expect(FeedDate.from(.string("2022-03-23"), format: "iso8601") == FeedFixtures.date("2022-03-23"))
        #expect(FeedDate.from(.string("Wed, 23 Mar 2022 00:00:00 GMT"), format: "iso8601") == nil)
        #expect(FeedDate.from(.bool(true), format: nil) == nil)
        #expect(FeedDate.from(.string("20260807"), format: nil) == FeedFixtures.date("2026-08-07"))
        #expect(FeedDate.from(.string("20260807"), format: "iso8601") == FeedFixtures.date("2026-08-07"))
    }

    /// Named zones with minutes, and a few of the many others feeds write.
    @Test(arguments: [
        ("Tue, 29 Mar 2022 17:30:00 IST", "2022-03-29T12:00:00Z"),
        ("Tue, 29 Mar 2022 21:30:00 ACST", "2022-03-29T12:00:00Z"),
        ("Tue, 29 Mar 2022 17:45:00 NPT", "2022-03-29T12:00:00Z"),
        ("Tue, 29 Mar 2022 23:00:00 AEDT", "2022-03-29T12:00:00Z"),
        ("Tue, 29 Mar 2022 15:00:00 MSK", "2022-03-29T12:00:00Z"),
        ("Tue, 29 Mar 2022 14:00:00 EET", "2022-03-29T12:00:00Z"),
        ("Tue, 29 Mar 2022 07:00:00 ET", "2022-03-29T12:00:00Z"),
        ("Tue, 29 Mar 2022 06:00:00 CT", "2022-03-29T12:00:00Z"),
        ("Tue, 29 Mar 2022 04:00:00 PT", "2022-03-29T12:00:00Z"),
        ("Wed, 30 Mar 2022 00:00:00 NZST", "2022-03-29T12:00:00Z"),
        ("2022-03-29T17:30:00 IST", "2022-03-29T12:00:00Z"),
    ])
    func zoneNames(text: String, expected: String) throws {
        var note: String?
        #expect(FeedDate.parse(text, note: &note) == FeedFixtures.date(expected))
        #expect(note == nil)
    }

    /// An unknown zone name keeps the date (as UTC) and says so; before, the date was lost.
    @Test func unknownZoneIsUTCWithANote() throws {
        var note: String?
        #expect(FeedDate.parse("Tue, 29 Mar 2022 12:00:00 XYZ", note: &note) == FeedFixtures.date("2022-03-29T12:00:00Z"))
        #expect(note == "date 'Tue, 29 Mar 2022 12:00:00 XYZ': unknown time zone 'XYZ' read as UTC")
        let xml = "<rss><channel><item><guid>1</guid><title>T</title><pubDate>Tue, 29 Mar 2022 12:00:00 QQT</pubDate></item></channel></rss>"
        let feed = try FeedFixtures.parse(xml, .rss, name: "n")
        #expect(feed.incidents.first?.date == FeedFixtures.date("2022-03-29T12:00:00Z"))
        #expect(feed.warnings == ["n: item 0: date 'Tue, 29 Mar 2022 12:00:00 QQT': unknown time zone 'QQT' read as UTC"])
    }

    /// Two-digit years (rekt.news writes `11/12/22`: MM/DD/YY), W3DTF partial dates, ISO basic.
    @Test(arguments: [
        ("11/12/22", "2022-11-12"), ("03/29/22", "2022-03-29"), ("1/2/99", "1999-01-02"),
        ("2022", "2022-01-01"), ("2022-03", "2022-03-01"), ("2022-03-29", "2022-03-29"),
        ("20220329T120000Z", "2022-03-29T12:00:00Z"), ("20220329T1200Z", "2022-03-29T12:00:00Z"),
        ("20220329T173000+0530", "2022-03-29T12:00:00Z"), ("20220329T120000", "2022-03-29T12:00:00Z"),
    ])
    func shortAndPartialForms(text: String, expected: String) {
        #expect(FeedDate.parse(text) == FeedFixtures.date(expected))
    }

    @Test func jsonPartialYearIsAYearNotUnixSeconds() {
        #expect(FeedDate.from(.string("2022"), format: nil) == FeedFixtures.date("2022-01-01"))
        #expect(FeedDate.from(.string("11/12/22"), format: nil) == FeedFixtures.date("2022-11-12"))
    }
}
