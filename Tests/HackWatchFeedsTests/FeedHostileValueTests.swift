import Foundation
import Testing
@testable import HackWatchConfiguration
@testable import HackWatchFeeds
@testable import HackWatchModel

/// Hostile numbers in one record: never a crash (a `date: 1e308` once trapped converting to
/// Int), never the whole feed refused; the record's bad value becomes unknown, or the record is
/// skipped, with a warning that says which and why.
@Suite struct FeedHostileValueTests {
    static func llama(_ name: String, date: String = "1659312000", amount: String = "190000000", extra: String = "") -> String {
        #"{"name":"\#(name)","date":\#(date),"amount":\#(amount),"chain":["Ethereum"],"classification":"Protocol Logic","technique":"Reentrancy","bridgeHack":false,"targetType":"DeFi Protocol","returnedFunds":null,"source":"","language":null\#(extra)}"#
    }

    static func feed(_ records: [String]) -> String { "[" + records.joined(separator: ",") + "]" }

    /// The bad record's warning, and the names that survive.
    @Test(arguments: [
        (llama("Bad", date: "1e308"), ["Good A", "Bad", "Good B"],
         "llama: record 1: date 1e+308 (unix seconds) is outside 1970–9999; kept as unknown"),
        (llama("Bad", date: "-1e18"), ["Good A", "Bad", "Good B"],
         "llama: record 1: date -1e+18 (unix seconds) is outside 1970–9999; kept as unknown"),
        (llama("Bad", date: "253402300800"), ["Good A", "Bad", "Good B"],
         "llama: record 1: date 253402300800.0 (unix seconds) is outside 1970–9999; kept as unknown"),
        (llama("Bad", amount: "1e300"), ["Good A", "Bad", "Good B"],
         "llama: record 1: loss 1e+300 is not a plausible USD amount; kept as unknown"),
        (llama("Bad", amount: "1e400"), ["Good A", "Good B"], "llama: record 1 skipped: number out of range at byte "),
        (llama("Bad", extra: #","deep":"# + String(repeating: "[", count: 300) + String(repeating: "]", count: 300)),
         ["Good A", "Good B"], "llama: record 1 skipped: nesting deeper than 256 at byte "),
    ])
    func oneBadValueCostsAtMostItsRecord(bad: String, names: [String], warning: String) throws {
        let text = Self.feed([Self.llama("Good A"), bad, Self.llama("Good B", date: "1700000000")])
        let result = try FeedFixtures.parse(text, .defillama, name: "llama")
        #expect(result.incidents.map(\.name) == names)
        #expect(result.warnings.count == 1)
        #expect(result.warnings.first?.hasPrefix(warning) == true, "\(result.warnings)")
        // Nothing downstream traps on what was kept: ids, days, stored JSON.
        for incident in result.incidents {
            _ = incident.jsonValue
            if let date = incident.date { _ = Incident.formatDate(date) }
        }
        if let bad = result.incidents.first(where: { $0.name == "Bad" }) {
            #expect(bad.date == nil || bad.loss == nil)
            #expect(bad.title == "Bad hacked" + (bad.loss == nil ? "" : ": $190M lost") + " (Protocol Logic)")
        }
    }

    /// The same for a `json` feed with a mapping (the records are the items array's elements).
    @Test func jsonFeedSkipsTheRecordWithAnOutOfRangeNumber() throws {
        let config = FeedFixtures.config(.json, name: "j", mapping: ["name": "/n", "loss": "/m", "date": "/d"], itemsPointer: "/data")
        let text = #"{"data":[{"n":"A","m":5,"d":1700000000},{"n":"B","m":1e400,"d":1700000000},{"n":"C","m":7,"d":1e308}]}"#
        let result = try FeedParser.parse(Array(text.utf8), config: config)
        #expect(result.incidents.map(\.name) == ["A", "C"])
        #expect(result.incidents.last?.date == nil)
        #expect(result.warnings.count == 2, "\(result.warnings)")
        #expect(result.warnings.first?.hasPrefix("j: record 1 skipped: number out of range at byte ") == true)
        #expect(result.warnings.last == "j: record 2: date 1e+305 (unix seconds) is outside 1970–9999; kept as unknown")
    }

    /// A grammar error is still the document's: where its records end is unknown past it.
    @Test func brokenGrammarStillRefusesTheFeed() {
        #expect(throws: FeedError.self) { try FeedFixtures.parse(#"[{"name":"A","date":1e}]"#, .defillama) }
        var skipped: [SkippedJSONElement] = []
        #expect(throws: JSONParseError.numberOutOfRange(offset: 1)) { try JSONValue.parse(Array("[1e400]".utf8)) }
        let value = try? JSONValue.parseRecords(Array(#"[1, 1e400, "x\"]", [2]]"#.utf8), options: .feed, skipped: &skipped)
        #expect(value == .array([.number(1), .null, .string("x\"]"), .array([.number(2)])]))
        #expect(skipped == [SkippedJSONElement(index: 1, reason: "number out of range at byte 4")])
    }

    /// The identity and date helpers no longer trap on any Double.
    @Test(arguments: [1e308, -1e308, Double.infinity, 9.3e18, -9.3e18])
    func dayStringAndFormatDateNeverTrap(seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(IncidentIdentity.dayString(date) == "baddate")
        #expect(Incident.formatDate(date).count == 20)
    }
}
