import Foundation
import Testing
import TestSupport

/// `once`'s exit status tells cron and monitoring what happened (`hackwatch once --help`):
/// bits 1 a feed failed, 2 deliveries pending, 4 a delivery went dead; 78 an unusable config.
@Suite struct OnceExitStatusTests {
    static let rules = "rule big {\n    when loss >= $100M\n    severity critical\n}\n"
    static let fresh = [FeedRecord(name: "Fresh Protocol", daysAgo: 1, loss: 150_000_000)]

    /// The receiver answers every POST with `reply`; `once` exits `expected`, and a second run
    /// (nothing new, the row as it was left) exits `again`.
    @Test(arguments: [
        (200, Int32(0), Int32(0), "delivered"),
        (500, Int32(2), Int32(2), "deliveries still pending; the next once or run retries them pending=1"),
        (404, Int32(4), Int32(0), "deliveries dead; hackwatch status shows why dead=1"),
    ])
    func exitStatusFollowsTheDeliveries(reply: Int, expected: Int32, again: Int32, logged: String) throws {
        let harness = try DaemonHarness(rules: Self.rules, feed: Self.fresh)
        defer { harness.stopAndClean() }
        harness.setWebhookMode(reply == 200 ? .ok : .status(reply))
        let first = try Binary.run(["once", "--config", harness.configURL.path])
        #expect(first.status == expected, "\(first.stderr)")
        if reply != 200 { #expect(first.stderr.contains(logged), "\(first.stderr)") }
        #expect(harness.webhook.requests.filter { $0.method == "POST" }.count == 1)
        // A dead row from an earlier run is old news (status lists it): the next once is clean.
        let second = try Binary.run(["once", "--config", harness.configURL.path])
        #expect(second.status == again, "\(second.stderr)")
    }

    /// A failed feed and a pending delivery add up to 3.
    @Test func failedFeedAndPendingDeliveryAddUp() throws {
        let harness = try DaemonHarness(rules: Self.rules, feed: Self.fresh)
        defer { harness.stopAndClean() }
        harness.setWebhookMode(.status(500))
        let first = try Binary.run(["once", "--config", harness.configURL.path])
        #expect(first.status == 2, "\(first.stderr)")
        harness.feedServer.setHandler { _ in .status(503) }
        usleep(2_500_000)  // past the first retry delay: the pending row is tried, and fails again
        let second = try Binary.run(["once", "--config", harness.configURL.path])
        #expect(second.status == 3, "\(second.stderr)")
        #expect(second.stderr.contains("feed=llama"))
    }

    /// As `run`: an unusable config is EX_CONFIG, not a generic failure.
    @Test func unusableConfigIsExitStatus78() throws {
        let harness = try DaemonHarness(rules: Self.rules, extra: ", \"bogus_key\": 1")
        defer { harness.stopAndClean() }
        let result = try Binary.run(["once", "--config", harness.configURL.path])
        #expect(result.status == 78, "\(result.stderr)")
        #expect(result.stderr.contains("cannot poll: \(harness.configURL.path): $.bogus_key: unknown key"), "\(result.stderr)")
    }
}
