import Foundation
import Testing
@testable import HackWatchDaemon

@Suite struct FeedHealthTests {
    let start = Date(timeIntervalSince1970: 1_700_000_000)

    @Test func oneAlertPerOutageAndOneRecovery() {
        var health = FeedHealth()
        var events: [FeedHealthEvent] = []
        // Fails every 10 minutes for two hours; stale after one hour.
        for minute in stride(from: 0, through: 120, by: 10) {
            if let event = health.recordFailure(now: start.addingTimeInterval(Double(minute) * 60), error: "HTTP 503", staleAfter: 3600) {
                events.append(event)
            }
        }
        if let event = health.recordSuccess(now: start.addingTimeInterval(130 * 60)) { events.append(event) }
        if let event = health.recordSuccess(now: start.addingTimeInterval(140 * 60)) { events.append(event) }
        #expect(events == [.failing(since: start, error: "HTTP 503"), .recovered(after: 130 * 60)])
        #expect(health == FeedHealth())
    }

    @Test func shortOutageSendsNothing() {
        var health = FeedHealth()
        #expect(health.recordFailure(now: start, error: "timeout", staleAfter: 3600) == nil)
        #expect(health.recordFailure(now: start.addingTimeInterval(3599), error: "timeout", staleAfter: 3600) == nil)
        #expect(health.recordSuccess(now: start.addingTimeInterval(3600)) == nil)
        // The next outage is measured from its own start.
        #expect(health.recordFailure(now: start.addingTimeInterval(4000), error: "timeout", staleAfter: 3600) == nil)
    }

    @Test func zeroStaleAfterAlertsOnFirstFailure() {
        var health = FeedHealth()
        #expect(health.recordFailure(now: start, error: "x", staleAfter: 0) == .failing(since: start, error: "x"))
        #expect(health.recordFailure(now: start, error: "x", staleAfter: 0) == nil)
    }

    @Test func restoredAlertedStateDoesNotRepeatButStillRecovers() {
        var health = FeedHealth(failingSince: start, alerted: true)
        #expect(health.recordFailure(now: start.addingTimeInterval(7200), error: "x", staleAfter: 60) == nil)
        #expect(health.recordSuccess(now: start.addingTimeInterval(7260)) == .recovered(after: 7260))
    }
}
