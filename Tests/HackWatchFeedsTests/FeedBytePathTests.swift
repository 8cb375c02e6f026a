import Foundation
import Testing
@testable import HackWatchFeeds

/// The byte-level paths that replaced String work on the RSS hot path (dates, amounts, name
/// markers, substring search): each edge case gives what the String code gave.
@Suite struct FeedBytePathTests {
    @Test(arguments: [
        ("Wed, 23 Mar 2022 10:00:00 gmt", "2022-03-23T10:00:00Z"),
        ("Wed, 23 Mar 2022 10:00:00 Utc", "2022-03-23T10:00:00Z"),
        ("Wed, 23 Mar 2022 10:00:00 Z", "2022-03-23T10:00:00Z"),
        ("Wed, 23 Mar 2022 10:00:00 -0000", "2022-03-23T10:00:00Z"),
        ("Wed, 23 Mar 2022 10:00:00 +0100", "2022-03-23T09:00:00Z"),
        ("Wed, 23 Mar 2022 15:30:00 IST", "2022-03-23T10:00:00Z"),
        ("Wed,,23\tMar  2022 10:00:00 GMT extra words", "2022-03-23T10:00:00Z"),
        ("Wed, 23 Mar 2022 10:00:60 GMT", "2022-03-23T10:01:00Z"),
        ("23 MARCH 2022", "2022-03-23T00:00:00Z"),
        ("Mié, 23 Mar 2022 10:00 GMT", "2022-03-23T10:00:00Z"),
    ])
    func readsRFC822OnBytes(text: String, expected: String) throws {
        let date = try #require(FeedDate.parse(text))
        #expect(date.timeIntervalSince1970 == FeedFixtures.date(expected).timeIntervalSince1970)
    }

    @Test(arguments: ["Wed, 23 Mar 2022 10:00:00:00 GMT", "Wed, 23 Mar 2022 10::00 GMT", "Wed, 23 Mar 2022 10:00: GMT",
                      "Wed, 23 Mar 2022 10 GMT", "Wed, 23 Mar 2022 24:00:00 GMT", "Wed, 23 Mar 2022 10:00:00 +00000",
                      "Wed, 23 Mar", "Wed, 23 Mar 2022 10:00:00 GMT+1"])
    func rejectsBadRFC822(text: String) {
        #expect(FeedDate.parse(text) == nil)
    }

    @Test func reportsAnUnknownZoneRead() throws {
        var note: String?
        let date = try #require(FeedDate.parse("Wed, 23 Mar 2022 10:00:00 XYZ", note: &note))
        #expect(date.timeIntervalSince1970 == FeedFixtures.date("2022-03-23T10:00:00Z").timeIntervalSince1970)
        #expect(note == "date 'Wed, 23 Mar 2022 10:00:00 XYZ': unknown time zone 'XYZ' read as UTC")
    }

    @Test(arguments: [
        ("$123456789012345 lost", 123_456_789_012_345.0),
        ("$1234567890123456789 lost", 1_234_567_890_123_456_789.0),
        ("$007 million", 7e6),
        ("$12.5 MILLION", 12.5e6),
        ("$3 Thousand", 3e3),
        ("$3 thousands", 3.0),
        ("$2 bn.", 2e9),
        ("$0.5", 0.5),
    ])
    func readsAmountsOnBytes(text: String, usd: Double) {
        #expect(FeedText.usdAmount(in: text) == usd)
    }

    @Test(arguments: [
        ("Ronin Network – REKT", "Ronin Network"),
        ("Harmony Bridge hit by $100M exploit", "Harmony Bridge"),
        ("Euler: $197M", "Euler"),
        ("Wintermute | $160M", "Wintermute"),
        ("Beanstalk — governance attack", "Beanstalk"),
        ("hacked wallet hacked again", "hacked wallet"),
        ("Curve (Vyper) exploited", "Curve (Vyper"),  // a closing parenthesis is punctuation: trimmed, as before
        ("«Protocol» exploited", "Protocol"),
    ])
    func cutsNamesAtMarkers(title: String, name: String) {
        #expect(FeedText.name(fromTitle: title) == name)
    }

    @Test func findsLikeAByteLoop() {
        let haystack = Array("abcabcab".utf8)
        #expect(FeedText.find(Array("cab".utf8), in: haystack) == 2)
        #expect(FeedText.find(Array("cab".utf8), in: haystack, from: 3) == 5)
        #expect(FeedText.find(Array("cab".utf8), in: haystack, from: 6) == nil)
        #expect(FeedText.find(Array("abcabcabc".utf8), in: haystack) == nil)
        #expect(FeedText.find([], in: haystack) == nil)
        #expect(FeedText.find(Array("b".utf8), in: haystack, from: 8) == nil)
        #expect(FeedText.find(Array("b".utf8), in: [], from: 0) == nil)
    }
}
