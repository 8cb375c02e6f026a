import Foundation
import Testing
@testable import HackWatchDaemon

@Suite struct PollBackoffTests {
    @Test(arguments: [(0, 300.0), (1, 600), (2, 1200), (3, 2400), (4, 3600), (50, 3600)])
    func doublesPerFailureUpToTheCap(failures: Int, expected: Double) {
        #expect(PollBackoff(interval: 300).baseDelay(consecutiveFailures: failures) == expected)
    }

    @Test func capNeverShorterThanInterval() {
        #expect(PollBackoff(interval: 7200, cap: 60).baseDelay(consecutiveFailures: 3) == 7200)
    }

    @Test(arguments: [(0.0, 270.0), (0.5, 300), (0.999999, 330)])
    func jitterSpreadsTenPercentBothWays(random: Double, expected: Double) {
        let delay = PollBackoff(interval: 300).delay(consecutiveFailures: 0, random: random)
        #expect(abs(delay - expected) < 0.01)
    }

    @Test func randomJitterStaysInBounds() {
        let backoff = PollBackoff(interval: 60)
        for _ in 0..<1000 {
            let delay = backoff.delay(consecutiveFailures: 2)
            #expect(delay >= 216 && delay <= 264)
        }
    }

    @Test func leewayIsATenthCappedAtAMinute() {
        let backoff = PollBackoff(interval: 60)
        #expect(backoff.leeway(for: 60) == 6)
        #expect(backoff.leeway(for: 3600) == 60)
    }
}
