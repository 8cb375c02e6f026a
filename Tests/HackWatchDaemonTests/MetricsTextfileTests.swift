import Foundation
import Testing
import TestSupport
@testable import HackWatchDaemon

@Suite struct MetricsTextfileTests {
    let snapshot = MetricsSnapshot(
        feeds: [
            .init(name: "rss \"x\"", polls: 3, failures: 1, consecutiveFailures: 1, lastSuccess: nil),
            .init(name: "defillama", polls: 10, failures: 2, consecutiveFailures: 0, lastSuccess: Date(timeIntervalSince1970: 1_700_000_000)),
        ],
        incidentsSeen: 538, alertsDelivered: 7, alertsPending: 2, alertsDead: 1, rules: 6, lastReloadSuccess: false)

    @Test func rendersPrometheusTextFormat() {
        let text = MetricsTextfile.render(snapshot)
        let samples = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(samples == [
            "hackwatch_feed_polls_total{feed=\"defillama\"} 10",
            "hackwatch_feed_polls_total{feed=\"rss \\\"x\\\"\"} 3",
            "hackwatch_feed_failures_total{feed=\"defillama\"} 2",
            "hackwatch_feed_failures_total{feed=\"rss \\\"x\\\"\"} 1",
            "hackwatch_feed_consecutive_failures{feed=\"defillama\"} 0",
            "hackwatch_feed_consecutive_failures{feed=\"rss \\\"x\\\"\"} 1",
            "hackwatch_feed_last_success_timestamp_seconds{feed=\"defillama\"} 1700000000",
            "hackwatch_feed_last_success_timestamp_seconds{feed=\"rss \\\"x\\\"\"} 0",
            "hackwatch_incidents_seen 538",
            "hackwatch_alerts{state=\"delivered\"} 7",
            "hackwatch_alerts{state=\"pending\"} 2",
            "hackwatch_alerts{state=\"dead\"} 1",
            "hackwatch_rules_loaded 6",
            "hackwatch_config_last_reload_successful 0",
        ])
        #expect(text.contains("# TYPE hackwatch_feed_polls_total counter\n"))
        #expect(text.hasSuffix("\n"))
    }

    @Test func writeReplacesTheFileAndLeavesNoTemporary() throws {
        let dir = try makeTemporaryDirectory("hackwatch-metrics")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("hackwatch.prom").path
        try "old".write(toFile: path, atomically: false, encoding: .utf8)
        try MetricsTextfile.write(snapshot, to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == MetricsTextfile.render(snapshot))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["hackwatch.prom"])
    }

    @Test func writeIntoMissingFolderThrows() {
        #expect(throws: (any Error).self) {
            try MetricsTextfile.write(snapshot, to: "/nonexistent-hackwatch-dir/x.prom")
        }
    }
}
