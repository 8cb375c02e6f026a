import Foundation
import Testing
import TestSupport
@testable import HackWatchConfiguration
@testable import HackWatchDaemon
@testable import HackWatchModel

/// Counts polls per feed from the scheduler's queues.
final class PollLog: @unchecked Sendable {
    private let lock = NSLock()
    private var times: [String: [Date]] = [:]
    func record(_ name: String) { lock.withLock { times[name, default: []].append(Date()) } }
    func count(_ name: String) -> Int { lock.withLock { times[name]?.count ?? 0 } }
    func times(_ name: String) -> [Date] { lock.withLock { times[name] ?? [] } }
}

@Suite struct FeedSchedulerTests {
    func feed(_ name: String, interval: Double) -> FeedConfig {
        FeedConfig(name: name, url: "file:///dev/null", format: .defillama, interval: TimeSpan(seconds: interval))
    }

    @Test func slowFeedDoesNotDelayOthers() {
        let log = PollLog()
        let release = DispatchSemaphore(value: 0)
        let scheduler = FeedScheduler { feed in
            log.record(feed.name)
            if feed.name == "slow" { _ = release.wait(timeout: .now() + 5) }
            return .succeeded
        }
        scheduler.add(feed("slow", interval: 0.05))
        scheduler.add(feed("fast", interval: 0.05))
        _ = waitUntil(timeout: 5, every: 0.01) { log.count("fast") >= 10 }
        #expect(log.count("fast") >= 10)
        #expect(log.count("slow") == 1)
        release.signal()
        #expect(scheduler.stop(timeout: 5))
    }

    @Test func failingFeedBacksOffToTheCap() {
        let log = PollLog()
        let scheduler = FeedScheduler(backoffCap: 0.4) { feed in
            log.record(feed.name)
            return .failed
        }
        scheduler.add(feed("down", interval: 0.05))
        _ = waitUntil(timeout: 10, every: 0.01) { log.count("down") >= 6 }
        scheduler.stop()
        let times = log.times("down")
        try? #require(times.count >= 6)
        let gaps = zip(times.dropFirst(), times).map { $0.timeIntervalSince($1) }
        // 0.1, 0.2, 0.4, 0.4, … (±10% jitter): each gap at least 0.09 and the later ones near the cap.
        #expect(gaps.allSatisfy { $0 >= 0.085 })
        #expect(gaps[3] >= 0.35)
    }

    @Test func successResetsTheInterval() {
        let log = PollLog()
        let scheduler = FeedScheduler(backoffCap: 10) { feed in
            log.record(feed.name)
            return log.count(feed.name) <= 3 ? .failed : .succeeded
        }
        scheduler.add(feed("flaky", interval: 0.05))
        _ = waitUntil(timeout: 10, every: 0.01) { log.count("flaky") >= 6 }
        scheduler.stop()
        let times = log.times("flaky")
        try? #require(times.count >= 6)
        // Poll 3 failed after 0.4 s of backoff; after the success of poll 4 the gap is the interval again.
        #expect(times[5].timeIntervalSince(times[4]) < times[3].timeIntervalSince(times[2]))
    }

    @Test func stopWaitsForInFlightPollAndNothingRunsAfter() {
        let log = PollLog()
        let started = DispatchSemaphore(value: 0)
        let scheduler = FeedScheduler { feed in
            log.record(feed.name)
            started.signal()
            usleep(200_000)
            return .succeeded
        }
        scheduler.add(feed("a", interval: 0.01))
        started.wait()
        #expect(scheduler.stop(timeout: 5))
        let after = log.count("a")
        usleep(200_000)
        #expect(log.count("a") == after)
        #expect(scheduler.feedNames.isEmpty)
    }

    @Test func removeStopsOneFeedOnly() {
        let log = PollLog()
        let scheduler = FeedScheduler { feed in log.record(feed.name); return .succeeded }
        scheduler.add(feed("keep", interval: 0.02))
        scheduler.add(feed("drop", interval: 0.02))
        usleep(100_000)
        scheduler.remove("drop")
        usleep(50_000)
        let dropped = log.count("drop"), kept = log.count("keep")
        usleep(200_000)
        #expect(log.count("drop") == dropped)
        #expect(log.count("keep") > kept)
        #expect(scheduler.feedNames == ["keep"])
        scheduler.stop()
    }
}
