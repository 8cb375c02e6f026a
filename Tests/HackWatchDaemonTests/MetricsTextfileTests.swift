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

    /// One line naming the folder, not a Foundation error dump (what the daemon logs).
    @Test func writeIntoMissingFolderThrowsAOneLineReason() {
        #expect(throws: MetricsTextfileError.missingFolder("/nonexistent-hackwatch-dir")) {
            try MetricsTextfile.write(snapshot, to: "/nonexistent-hackwatch-dir/x.prom")
        }
        #expect(MetricsTextfileError.missingFolder("/nonexistent-hackwatch-dir").description
            == "metrics_textfile: folder /nonexistent-hackwatch-dir does not exist")
    }

    /// What `check` reports before the daemon runs into it.
    @Test func problemNamesAMissingFolderOrAFileInTheWay() throws {
        let dir = try makeTemporaryDirectory("hackwatch-metrics")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("plain").path
        try "x".write(toFile: file, atomically: false, encoding: .utf8)
        #expect(MetricsTextfile.problem(path: dir.appendingPathComponent("x.prom").path) == nil)
        #expect(MetricsTextfile.problem(path: dir.path + "/missing/x.prom") == .missingFolder(dir.path + "/missing"))
        #expect(MetricsTextfile.problem(path: file + "/x.prom") == .notAFolder(file))
        #expect(MetricsTextfileError.notAFolder(file).description == "metrics_textfile: \(file) is not a folder")
    }
}
