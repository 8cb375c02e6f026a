import Foundation
import Testing
import TestSupport

/// `hackwatch run` as a user runs it: the built binary, a loopback feed and webhook receiver.
@Suite(.serialized) struct DaemonEndToEndTests {
    static let bigLoss = "rule big {\n    when loss >= $100M\n    severity critical\n}\n"

    @Test func feedChangeDeliversAlertAndBaselineKeepsHistorySilent() throws {
        let initial = [
            FeedRecord(name: "Old Bridge", daysAgo: 400, loss: 600_000_000),
            FeedRecord(name: "Older Exchange", daysAgo: 30, loss: 200_000_000),
            FeedRecord(name: "Fresh Protocol", daysAgo: 1, loss: 150_000_000),
            FeedRecord(name: "Small Fry", daysAgo: 1, loss: 1_000),
        ]
        let harness = try DaemonHarness(rules: Self.bigLoss, feed: initial)
        defer { harness.stopAndClean() }
        try harness.start()
        // First poll: only the incident newer than the 7d baseline that matches.
        #expect(harness.waitForDeliveries(1))
        #expect(harness.waitForPolls(3))
        #expect(harness.deliveries.map(\.incident) == ["Fresh Protocol"])

        harness.setFeed(initial + [FeedRecord(name: "Brand New Hack", daysAgo: 0, loss: 300_000_000)])
        #expect(harness.waitForDeliveries(2))
        let polls = harness.feedServer.requests.count
        #expect(harness.waitForPolls(polls + 2))
        #expect(harness.deliveries.map(\.incident) == ["Fresh Protocol", "Brand New Hack"])
        #expect(Set(harness.deliveries.map(\.rule)) == ["big"])

        harness.signal(SIGTERM)
        #expect(harness.waitForExit() == 0)
        #expect(!harness.stderr.contains("SECRET-TOKEN"), "the webhook URL's secret path leaked into the log")
        let metrics = try String(contentsOf: harness.dir.appendingPathComponent("metrics.prom"), encoding: .utf8)
        #expect(metrics.contains("hackwatch_feed_polls_total{feed=\"llama\"}"))
        #expect(metrics.contains("hackwatch_alerts{state=\"delivered\"} 2"))
    }

    @Test func sighupWithBrokenRuleKeepsAlertingWithOldRules() throws {
        let harness = try DaemonHarness(rules: Self.bigLoss, feed: [])
        defer { harness.stopAndClean() }
        try harness.start()
        #expect(harness.waitForPolls(1))
        #expect(harness.waitForLog("hackwatch started"))
        try harness.writeRules("rule big {\n    when los >= $100M\n}\n")
        harness.signal(SIGHUP)
        #expect(harness.waitForLog("reload failed"))
        #expect(harness.stderr.contains("unknown field 'los'"))
        let afterReload = FeedRecord(name: "After Reload", daysAgo: 0, loss: 500_000_000)
        harness.setFeed([afterReload])
        #expect(harness.waitForDeliveries(1))
        #expect(harness.deliveries.map(\.rule) == ["big"])
        #expect(harness.deliveries.map(\.incident) == ["After Reload"])

        // A good rules file then takes effect — for incidents seen from now on (known incidents
        // are evaluated again only when they change).
        try harness.writeRules("rule any_loss {\n    when loss > $1\n    severity low\n}\n")
        harness.signal(SIGHUP)
        #expect(harness.waitForLog("reloaded"))
        harness.setFeed([afterReload, FeedRecord(name: "Tiny", daysAgo: 0, loss: 10)])
        #expect(harness.waitForDeliveries(2))
        let polls = harness.feedServer.requests.count
        #expect(harness.waitForPolls(polls + 2))
        #expect(harness.deliveries.map { "\($0.rule):\($0.incident)" } == ["big:After Reload", "any_loss:Tiny"])
        harness.signal(SIGTERM)
        #expect(harness.waitForExit() == 0)
    }

    @Test func sigtermMidDeliveryThenRestartLosesAndDoublesNothing() throws {
        let records = (1...4).map { FeedRecord(name: "Hack \($0)", daysAgo: 0, loss: Double($0) * 200_000_000) }
        let harness = try DaemonHarness(rules: Self.bigLoss, feed: records, interval: "5m")
        defer { harness.stopAndClean() }
        // First run: the first delivery is in flight when SIGTERM arrives; the rest are refused
        // (503) and wait in the outbox for a retry that this run never makes.
        harness.setWebhookMode(.firstSlowThenFail(delay: 1.5))
        try harness.start()
        #expect(harness.waitUntilWebhookRequested())
        harness.signal(SIGTERM)
        #expect(harness.waitForExit() == 0)
        #expect(harness.acknowledged.count == 1, "the in-flight delivery finishes before exit")

        harness.setWebhookMode(.ok)
        try harness.start()
        #expect(waitUntil(timeout: 30) { harness.acknowledged.count >= 4 })
        usleep(1_000_000)  // room for a wrongly repeated send to show up
        harness.signal(SIGTERM)
        #expect(harness.waitForExit() == 0)
        let acknowledged = harness.acknowledged
        #expect(acknowledged.count == 4)
        #expect(Set(acknowledged).count == 4)
        let names = Dictionary(harness.deliveries.map { ($0.id, $0.incident) }, uniquingKeysWith: { a, _ in a })
        #expect(Set(acknowledged.compactMap { names[$0] }) == Set(records.map(\.name)))
    }

    @Test func notifySocketReceivesReadyReloadingStoppingAndWatchdog() throws {
        let harness = try DaemonHarness(rules: Self.bigLoss, feed: [])
        defer { harness.stopAndClean() }
        let listener = try NotifySocketListener(directory: harness.dir, abstract: true)
        defer { listener.close() }
        try harness.start(environment: ["NOTIFY_SOCKET": listener.socketName, "WATCHDOG_USEC": "200000"])
        #expect(listener.waitFor { $0.hasPrefix("READY=1") } != nil)
        #expect(listener.waitFor { $0 == "WATCHDOG=1" } != nil)
        #expect(listener.waitFor { $0.hasPrefix("STATUS=") || $0.contains("\nSTATUS=1 feeds") } != nil)
        harness.signal(SIGHUP)
        #expect(listener.waitFor { $0.hasPrefix("RELOADING=1\nMONOTONIC_USEC=") } != nil)
        #expect(listener.waitFor { _ in listener.messages.filter { $0.hasPrefix("READY=1") }.count >= 2 } != nil)
        harness.signal(SIGTERM)
        #expect(listener.waitFor { $0.hasPrefix("STOPPING=1") } != nil)
        #expect(harness.waitForExit() == 0)
        let ready = listener.messages.first { $0.hasPrefix("READY=1") } ?? ""
        #expect(ready.contains("STATUS=1 feeds (0 failing), 1 rules"))
    }

    @Test func failingFeedRaisesOneHealthAlertAndOneRecovery() throws {
        let harness = try DaemonHarness(rules: Self.bigLoss, extra: ", \"feed_stale_after\": \"1s\"")
        defer { harness.stopAndClean() }
        harness.feedServer.setHandler { _ in .status(503) }
        try harness.start()
        #expect(harness.waitForDeliveries(1, timeout: 30))
        #expect(harness.deliveries.map(\.rule) == ["feed-health"])
        #expect(harness.deliveries.first?.incident == "feed llama failing")
        // Still failing: no second alert. Then the feed recovers: one notice.
        let polls = harness.feedServer.requests.count
        #expect(harness.waitForPolls(polls + 1, timeout: 30))
        harness.feedServer.setHandler { _ in .text("[]", headers: [("Content-Type", "application/json")]) }
        #expect(harness.waitForDeliveries(2, timeout: 30))
        let recovered = harness.feedServer.requests.count
        #expect(harness.waitForPolls(recovered + 1, timeout: 30))
        #expect(harness.deliveries.map(\.rule) == ["feed-health", "feed-recovered"])
        harness.signal(SIGTERM)
        #expect(harness.waitForExit() == 0)
    }

    @Test func badConfigFailsToStartWithTheProblem() throws {
        let harness = try DaemonHarness(rules: "rule x {\n    when los > 1\n}\n")
        defer { harness.stopAndClean() }
        try harness.start()
        #expect(harness.waitForExit() == 1)
        #expect(harness.stderr.contains("unknown field 'los'; did you mean 'loss'?"))
    }
}

extension DaemonHarness {
    /// Waits until the webhook receiver has at least begun one request.
    func waitUntilWebhookRequested(timeout: Double = 20) -> Bool {
        waitUntil(timeout: timeout) { !self.webhook.requests.filter { $0.method == "POST" }.isEmpty }
    }
}
