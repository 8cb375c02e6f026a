import Foundation
import Testing
@testable import HackWatchConfiguration
@testable import HackWatchFeeds
@testable import HackWatchHTTP
@testable import HackWatchModel

@Suite struct ModelTests {
    @Test(arguments: [
        ("90s", 90.0), ("5m", 300), ("1h", 3600), ("7d", 604_800), ("2w", 1_209_600), ("250ms", 0.25), ("42", 42),
    ])
    func parsesTimeSpans(text: String, seconds: Double) {
        #expect(TimeSpan(parsing: text)?.seconds == seconds)
    }

    @Test(arguments: ["", "m", "-5m", "5x", "5 m m", "abc"])
    func rejectsBadTimeSpans(text: String) {
        #expect(TimeSpan(parsing: text) == nil)
    }

    @Test(arguments: [
        (624_000_000.0, "$624M"), (1_500_000_000, "$1.5B"), (250_000, "$250k"), (950, "$950"), (190_000_000, "$190M"),
    ])
    func formatsMoney(usd: Double, human: String) {
        #expect(Money(usd: usd).human == human)
    }

    /// A hostile feed's amount (1e300, or infinite after `amount_scale`) prints; Int64() would trap.
    @Test(arguments: [1e300, -1e300, 1e25, .infinity, -.infinity, .nan])
    func formatsAbsurdMoneyWithoutTrapping(usd: Double) {
        #expect(Money(usd: usd).human.contains("$"))
    }

    /// An absurd amount is a feed's error: the record is kept with its loss unknown (a warning says so).
    @Test func absurdLossInAFeedIsKeptAsUnknown() throws {
        let body = #"[{"name": "Absurd", "date": 1700000000, "amount": 1e300, "bridgeHack": false, "technique": "x"}]"#
        let config = FeedConfig(name: "dl", url: "file:///dev/null", format: .defillama)
        let result = try FeedParser.parse(Array(body.utf8), config: config)
        let incident = try #require(result.incidents.first)
        #expect(incident.loss == nil)
        #expect(incident.title == "Absurd hacked")
        #expect(result.warnings == ["dl: record 0: loss 1e+300 is not a plausible USD amount; kept as unknown"])
    }

    @Test func severityOrder() {
        #expect(Severity.allCases.sorted() == [.info, .low, .medium, .high, .critical])
        #expect(Severity.critical > .high)
    }

    @Test func netLossAndText() {
        let incident = Incident(id: "1", source: "s", name: "Euler", title: "Euler hacked", summary: "flash loan",
                                loss: Money(usd: 197e6), returned: Money(usd: 240e6))
        #expect(incident.netLoss == Money(usd: -43e6))
        #expect(incident.text == "Euler hacked\nflash loan")
        #expect(Incident(id: "2", source: "s", name: "X").netLoss == nil)
    }

    @Test func alertIDsAreStableAndDistinct() {
        let a = Alert.makeID(incidentID: "i1", source: "defillama", rule: "mega")
        #expect(a == Alert.makeID(incidentID: "i1", source: "defillama", rule: "mega"))
        #expect(a != Alert.makeID(incidentID: "i1", source: "defillama", rule: "bridge"))
        #expect(a.count == 32)
    }

    @Test(arguments: [
        ("https://hooks.slack.com/services/T0/B0/secret", "https://hooks.slack.com/…"),
        ("https://user:pw@example.org:8443/x?token=1", "https://example.org:8443/…"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("file:///tmp/feed.json", "file:///tmp/feed.json"),
    ])
    func redactsURLs(url: String, redacted: String) {
        #expect(URLRedaction.redact(url) == redacted)
    }
}
