import Foundation
import Testing
@testable import HackWatchWeb

/// The listener's pure parts: token comparison, HTML escaping, query parsing, live metrics.
@Suite struct HackWatchWebTests {
    static let authorizations: [(String?, Bool)] = [
        ("Bearer s3cret", true),
        ("bearer s3cret", true),
        ("Bearer  s3cret ", true),
        ("Bearer s3cre", false),
        ("Bearer s3cret2", false),
        ("Bearer S3CRET", false),
        ("Basic s3cret", false),
        ("s3cret", false),
        ("Bearer ", false),
        (nil, false),
    ]

    @Test(arguments: authorizations)
    func bearerTokenIsComparedExactly(header: String?, accepted: Bool) {
        #expect(BearerToken("s3cret\n").accepts(authorization: header) == accepted)
    }

    @Test func anEmptyTokenAcceptsNothing() {
        #expect(!BearerToken("").accepts(authorization: "Bearer "))
        #expect(!BearerToken.constantTimeEqual([], []))
    }

    static let escapes: [(String, String)] = [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("Tom & \"Jerry\" 'x'", "Tom &amp; &quot;Jerry&quot; &#39;x&#39;"),
        ("plain ✓", "plain ✓"),
    ]

    @Test(arguments: escapes)
    func htmlEscapesEveryMarkupCharacter(text: String, expected: String) {
        #expect(StatusPage.escape(text) == expected)
    }

    static let limits: [(String?, Int?)] = [(nil, 50), ("1", 1), ("500", 500), ("0", nil), ("501", nil), ("ten", nil), ("-1", nil)]

    @Test(arguments: limits)
    func limitIsAWholeNumberInRange(text: String?, expected: Int?) {
        #expect(WebAPI.parseLimit(text) == expected)
    }

    @Test func sinceTakesRFC3339OrUnixSeconds() {
        #expect(WebAPI.parseDate("2024-01-02T03:04:05Z") == Date(timeIntervalSince1970: 1_704_164_645))
        #expect(WebAPI.parseDate("1704164645") == Date(timeIntervalSince1970: 1_704_164_645))
        #expect(WebAPI.parseDate("yesterday") == nil)
    }

    @Test func liveMetricsRenderCumulativeHistograms() {
        let metrics = LiveMetrics()
        metrics.observePoll(feed: "a\"b", seconds: 0.2)
        metrics.observePoll(feed: "a\"b", seconds: 3)
        metrics.observeEvaluation(incidents: 3, rules: 2, matched: ["big", "big"])
        let text = metrics.render()
        #expect(text.contains("hackwatch_feed_poll_duration_seconds_bucket{feed=\"a\\\"b\",le=\"0.25\"} 1\n"))
        #expect(text.contains("hackwatch_feed_poll_duration_seconds_bucket{feed=\"a\\\"b\",le=\"5\"} 2\n"))
        #expect(text.contains("hackwatch_feed_poll_duration_seconds_bucket{feed=\"a\\\"b\",le=\"+Inf\"} 2\n"))
        #expect(text.contains("hackwatch_feed_poll_duration_seconds_sum{feed=\"a\\\"b\"} 3.2\n"))
        #expect(text.contains("hackwatch_rule_evaluations_total 6\n"))
        #expect(text.contains("hackwatch_rule_matches_total{rule=\"big\"} 2\n"))
        #expect(text.contains("# TYPE hackwatch_delivery_latency_seconds histogram\n"), "families are declared before any sample")
    }
}
