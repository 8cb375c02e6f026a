import Foundation
import Logging
import Testing
import TestSupport
@testable import HackWatchConfiguration
@testable import HackWatchDaemon
@testable import HackWatchModel
@testable import HackWatchStore

/// The ingest path at steady state: unchanged records and bodies are skipped, chunks commit and
/// wake the outbox one by one, and a big feed takes turns with the others.
@Suite struct IngestSteadyStateTests {
    static let rules = "rule big {\n    when loss >= $100M\n}\nrule updated {\n    when update\n    severity low\n}\n"

    @Test func unchangedRecordsAreSkippedAndChangedOnesReprocessed() throws {
        let fixture = try PipelineFixture(rules: Self.rules)
        defer { fixture.close() }
        let pipeline = IncidentPipeline(store: fixture.store)
        var batch = [incident("Ronin", loss: 600e6), incident("Tiny", loss: 10), incident("Old", daysAgo: 30, loss: 1)]
        func poll(_ firstPoll: Bool) throws -> PipelineStats {
            try pipeline.process(batch, feed: feedConfig(), firstPoll: firstPoll, runtime: fixture.runtime, now: now,
                                 knownHashes: try fixture.store.incidentHashes(source: "llama"))
        }
        let first = try poll(true)
        #expect(first.new == 3 && first.baselined == 1 && first.alerts.map(\.rule) == ["big"] && first.unchanged == 0)
        let second = try poll(false)
        #expect(second.unchanged == 3 && second.new == 0 && second.changed == 0 && second.alerts.isEmpty)
        batch[1].loss = Money(usd: 200e6)
        let third = try poll(false)
        #expect(third.unchanged == 2 && third.changed == 1)
        #expect(third.alerts.map(\.rule) == ["big"] && third.alerts.map(\.incident.name) == ["Tiny"])
        #expect(try poll(false).unchanged == 3)
        #expect(try fixture.outbox() == ["big:Ronin->chat", "big:Tiny->chat"])
    }

    /// Rows stored before schema 5 have no hash: they are read once, not re-alerted, and get one.
    @Test func rowsWithoutAHashAreReadOnceThenSkipped() throws {
        let fixture = try PipelineFixture(rules: Self.rules)
        defer { fixture.close() }
        let pipeline = IncidentPipeline(store: fixture.store)
        let batch = [incident("Ronin", loss: 600e6)]
        _ = try pipeline.process(batch, feed: feedConfig(), firstPoll: true, runtime: fixture.runtime, now: now)
        try fixture.store.db.execute("UPDATE incidents SET content_hash = NULL")  // as schema 2 left it
        #expect(try fixture.store.incidentHashes(source: "llama") == ["ronin": Int64?.none] as [String: Int64?])
        let upgraded = try pipeline.process(batch, feed: feedConfig(), firstPoll: false, runtime: fixture.runtime, now: now,
                                            knownHashes: try fixture.store.incidentHashes(source: "llama"))
        #expect(upgraded.unchanged == 0 && upgraded.changed == 0 && upgraded.alerts.isEmpty)
        #expect(try fixture.store.incidentHashes(source: "llama")["ronin"] != Int64??.some(nil))
        let next = try pipeline.process(batch, feed: feedConfig(), firstPoll: false, runtime: fixture.runtime, now: now,
                                        knownHashes: try fixture.store.incidentHashes(source: "llama"))
        #expect(next.unchanged == 1)
        #expect(try fixture.outbox() == ["big:Ronin->chat"])
    }

    static func body(_ count: Int, loss: Double, daysAgo: Double = 1) -> String {
        let date = Int(now.timeIntervalSince1970 - daysAgo * 86_400)
        return "[" + (0..<count).map { "{\"name\":\"Hack \($0)\",\"date\":\(date),\"amount\":\(loss)}" }.joined(separator: ",") + "]"
    }

    /// The second poll of the same bytes parses nothing (the server sends no validators); a
    /// changed body processes only the changed record.
    @Test func unchangedBodyIsSkippedAtThePoller() throws {
        let fixture = try PipelineFixture(rules: Self.rules)
        defer { fixture.close() }
        let current = LockedText(Self.body(50, loss: 1))
        let server = try LoopbackHTTPServer { _ in .text(current.value) }
        defer { server.stop() }
        let feed = feedConfig(url: server.url("/hacks"))
        let poller = FeedPoller(store: fixture.store, logger: Logger(label: "test"))
        let first = poller.poll(feed, runtime: fixture.runtime, now: now)
        #expect(first.result == .succeeded && first.stats.new == 50)
        let hash = try #require(try fixture.store.feedState("llama")?.bodyHash)
        let same = poller.poll(feed, runtime: fixture.runtime, now: now)
        #expect(same.result == .succeeded && same.stats.new == 0 && same.stats.unchanged == 0 && !same.notModified)
        #expect(try fixture.store.feedState("llama")?.bodyHash == hash)
        current.value = current.value.replacingOccurrences(of: "\"Hack 7\",\"date\":\(Int(now.timeIntervalSince1970 - 86_400)),\"amount\":1",
                                                           with: "\"Hack 7\",\"date\":\(Int(now.timeIntervalSince1970 - 86_400)),\"amount\":300000000")
        let changed = poller.poll(feed, runtime: fixture.runtime, now: now)
        #expect(changed.stats.unchanged == 49 && changed.stats.changed == 1 && changed.stats.alerts.map(\.incident.name) == ["Hack 7"])
        #expect(try fixture.store.feedState("llama")?.bodyHash != hash)
    }

    /// Each chunk's alerts are in the outbox, and the outbox is woken, before the next chunk is
    /// processed: the first alerts of a big feed leave while the rest is still being read.
    @Test func eachChunkCommitsAndWakesBeforeTheNext() throws {
        let fixture = try PipelineFixture(rules: Self.rules)
        defer { fixture.close() }
        let count = FeedPoller.firstChunkSize + FeedPoller.chunkSize + 10
        let server = try LoopbackHTTPServer { _ in .text(Self.body(count, loss: 500e6)) }
        defer { server.stop() }
        let poller = FeedPoller(store: fixture.store, logger: Logger(label: "test"))
        var pendingAtWake: [Int] = []
        let report = poller.poll(feedConfig(url: server.url("/hacks")), runtime: fixture.runtime, now: now) {
            pendingAtWake.append((try? fixture.store.outboxCounts().pending) ?? -1)
        }
        #expect(report.stats.alerts.count == count)
        #expect(pendingAtWake == [FeedPoller.firstChunkSize, FeedPoller.firstChunkSize + FeedPoller.chunkSize, count])
    }

    /// A caller waiting for the lock gets it when the current holder's turn ends, even if the
    /// holder asks again at once (an unfair mutex let a big feed's chunks starve a 1 s feed).
    @Test func fairLockServesWaitersInArrivalOrder() {
        let lock = FairLock()
        let holding = DispatchSemaphore(value: 0)
        let state = LockedCounts()
        let done = DispatchGroup()
        done.enter()
        Thread.detachNewThread {
            defer { done.leave() }
            for turn in 0..<40 {
                lock.withLock {
                    state.bigTurns = turn + 1
                    if turn == 3 {
                        holding.signal()
                        // Until the other caller has queued up behind this turn.
                        for _ in 0..<2_000 where lock.waiting == 0 { usleep(1_000) }
                    }
                }
            }
        }
        holding.wait()
        done.enter()
        Thread.detachNewThread {
            lock.withLock { state.smallSawTurns = state.bigTurns }
            done.leave()
        }
        done.wait()
        #expect(state.smallSawTurns == 4)
    }
}

private final class LockedText: @unchecked Sendable {
    private let lock = NSLock()
    private var text: String
    init(_ text: String) { self.text = text }
    var value: String {
        get { lock.withLock { text } }
        set { lock.withLock { text = newValue } }
    }
}

private final class LockedCounts: @unchecked Sendable {
    private let lock = NSLock()
    private var big = 0, small = -1
    var bigTurns: Int { get { lock.withLock { big } } set { lock.withLock { big = newValue } } }
    var smallSawTurns: Int { get { lock.withLock { small } } set { lock.withLock { small = newValue } } }
}
