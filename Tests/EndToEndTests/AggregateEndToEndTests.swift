import Foundation
import Testing
import TestSupport

/// Aggregate rules in the real daemon: one alert per episode, through the outbox, never again
/// after a restart or a reload (README "Aggregate rules").
@Suite(.serialized) struct AggregateEndToEndTests {
    static func rules(count: Int = 3) -> String {
        """
        aggregate bridge_wave {
            over     bridge and loss >= $1M
            window   7d
            when     count >= \(count)
            severity high
            cooldown 3s
        }
        """
    }

    static func bridge(_ name: String, loss: Double = 2_000_000) -> FeedRecord {
        FeedRecord(name: name, daysAgo: 1, loss: loss, bridge: true)
    }

    @Test func thirdIncidentFiresOnceAndANewEpisodeFiresAfterTheCooldown() throws {
        let first = [Self.bridge("Alpha Bridge"), Self.bridge("Beta Bridge"), FeedRecord(name: "Not A Bridge", daysAgo: 1, loss: 9e6)]
        let harness = try DaemonHarness(rules: Self.rules(), feed: first)
        defer { harness.stopAndClean() }
        try harness.start()
        #expect(harness.waitForPolls(2))
        #expect(harness.waitForLog("hackwatch started"))

        // The third qualifying incident within the window: one alert.
        harness.setFeed(first + [Self.bridge("Gamma Bridge")])
        #expect(harness.waitForDeliveries(1))
        #expect(harness.deliveries.map(\.id) == ["aggregate:bridge_wave:all:1"])
        #expect(harness.deliveries.map(\.rule) == ["bridge_wave"])
        let body = try #require(harness.webhook.requests.last.map { String(decoding: $0.body, as: UTF8.self) })
        #expect(body.contains("\"type\":\"aggregate.fired\""))
        #expect(body.contains("3 of 3 with a known loss; source: llama"))

        // A fourth: the same episode, nothing more.
        harness.setFeed(first + [Self.bridge("Gamma Bridge"), Self.bridge("Delta Bridge")])
        var polls = harness.feedServer.requests.count
        #expect(harness.waitForPolls(polls + 3))
        #expect(harness.deliveries.count == 1)

        // Restart and reload: nothing again.
        harness.signal(SIGTERM)
        #expect(harness.waitForExit() == 0)
        try harness.start()
        #expect(harness.waitForLog("hackwatch started"))
        polls = harness.feedServer.requests.count
        #expect(harness.waitForPolls(polls + 2))
        harness.signal(SIGHUP)
        #expect(harness.waitForLog("reloaded"))
        polls = harness.feedServer.requests.count
        #expect(harness.waitForPolls(polls + 3))
        #expect(harness.deliveries.count == 1)

        // Two losses revised below $1M: the condition is false; after the cooldown the
        // aggregate re-arms, and the losses revised back up start episode 2 — once.
        harness.setFeed(first.prefix(2).map { Self.bridge($0.name, loss: 500_000) } + [first[2], Self.bridge("Gamma Bridge"), Self.bridge("Delta Bridge")])
        polls = harness.feedServer.requests.count
        #expect(harness.waitForPolls(polls + 2))
        Thread.sleep(forTimeInterval: 5)
        harness.setFeed(first + [Self.bridge("Gamma Bridge"), Self.bridge("Delta Bridge")])
        #expect(harness.waitForDeliveries(2))
        polls = harness.feedServer.requests.count
        #expect(harness.waitForPolls(polls + 3))
        #expect(harness.deliveries.map(\.id) == ["aggregate:bridge_wave:all:1", "aggregate:bridge_wave:all:2"])

        // An edited aggregate records its (true) state silently.
        try harness.writeRules(Self.rules(count: 2))
        harness.signal(SIGHUP)
        polls = harness.feedServer.requests.count
        #expect(harness.waitForPolls(polls + 3))
        Thread.sleep(forTimeInterval: 2)
        #expect(harness.deliveries.count == 2)
        harness.signal(SIGTERM)
        #expect(harness.waitForExit() == 0)
    }
}
