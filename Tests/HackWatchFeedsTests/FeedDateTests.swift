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
                      "2022-03-23T25:00:00Z", "23 Mar 2022 10:00:00 XYZ", "2022-03-23T10:00:00+5", String(repeating: "9", count: 200)])
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
}
