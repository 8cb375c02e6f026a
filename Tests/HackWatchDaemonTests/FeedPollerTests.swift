import Foundation
import Logging
import Testing
@testable import HackWatchDaemon
@testable import HackWatchModel

@Suite struct FeedPollerTests {
    @Test func failingFeedAlertsOnceThenRecoversOnce() throws {
        let fixture = try PipelineFixture(rules: "rule big {\n    when loss >= $100M\n}\n", staleAfter: TimeSpan(seconds: 0))
        defer { fixture.close() }
        let feedFile = fixture.dir.appendingPathComponent("feed.json")
        let feed = feedConfig(url: feedFile.absoluteString)
        let poller = FeedPoller(store: fixture.store, logger: Logger(label: "test"))

        let down1 = poller.poll(feed, runtime: fixture.runtime, now: now)
        let down2 = poller.poll(feed, runtime: fixture.runtime, now: now.addingTimeInterval(60))
        #expect(down1.result == .failed && down2.result == .failed)
        #expect(down1.stats.alerts.map(\.rule) == ["feed-health"])
        #expect(down2.stats.alerts.isEmpty)
        let state = try #require(try fixture.store.feedState("llama"))
        #expect(state.consecutiveFailures == 2 && state.failures == 2 && state.polls == 2 && state.healthAlerted)
        #expect(state.lastError != nil)

        try Data("[]".utf8).write(to: feedFile)
        let up1 = poller.poll(feed, runtime: fixture.runtime, now: now.addingTimeInterval(120))
        let up2 = poller.poll(feed, runtime: fixture.runtime, now: now.addingTimeInterval(180))
        #expect(up1.result == .succeeded)
        #expect(up1.stats.alerts.map(\.rule) == ["feed-recovered"])
        #expect(up2.stats.alerts.isEmpty)
        // The recovery notice is about the same outage (incident) as the alert.
        #expect(up1.stats.alerts.first?.incident.id == down1.stats.alerts.first?.incident.id)
        let recovered = try #require(try fixture.store.feedState("llama"))
        #expect(recovered.consecutiveFailures == 0 && !recovered.healthAlerted && recovered.firstPollDone)
        #expect(try fixture.outbox() == ["feed-health:feed llama failing->chat", "feed-recovered:feed llama recovered->chat"])
    }

    @Test func shortOutageSendsNoHealthAlert() throws {
        let fixture = try PipelineFixture(rules: "rule big {\n    when loss >= $100M\n}\n", staleAfter: TimeSpan(seconds: 3600))
        defer { fixture.close() }
        let feed = feedConfig(url: fixture.dir.appendingPathComponent("missing.json").absoluteString)
        let poller = FeedPoller(store: fixture.store, logger: Logger(label: "test"))
        for minute in [0.0, 10, 20] {
            #expect(poller.poll(feed, runtime: fixture.runtime, now: now.addingTimeInterval(minute * 60)).stats.alerts.isEmpty)
        }
        #expect(try fixture.outbox().isEmpty)
    }
}
