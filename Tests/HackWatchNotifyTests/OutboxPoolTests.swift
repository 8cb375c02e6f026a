import Foundation
import Testing
import TestSupport
import HackWatchFixtures
@testable import HackWatchConfiguration
@testable import HackWatchModel
@testable import HackWatchNotify
@testable import HackWatchStore

/// A sink's pool of senders (`senders`, issue 19): deliveries in flight at once over their own
/// connections, every guarantee of one sender kept — exactly once, retries, updates after
/// their first message.
@Suite struct OutboxPoolTests {
    static func webhook(_ server: LoopbackHTTPServer, senders: Int, rateLimit: Double? = nil) throws -> any Sink {
        var config = SinkConfig(name: "hook", type: "webhook", url: .literal(server.url("/hook")))
        config.settings["timeout"] = .number(5)
        config.settings["senders"] = .number(Double(senders))
        if let rateLimit { config.settings["rate_limit"] = .number(rateLimit) }
        return try SinkFactory.make(config, environment: [:])
    }

    /// 24 answers that each take 0.2 s: one sender needs ≥ 4.8 s, four about a quarter of it.
    @Test func fourSendersOverlapSlowAnswers() throws {
        let log = AcceptLog()
        let server = try LoopbackHTTPServer { request in log.accept(request); return .delayed(seconds: 0.2, then: .text("ok")) }
        defer { server.stop() }
        let (store, folder) = try NotifyFixtures.temporaryStore()
        defer { store.close(); try? FileManager.default.removeItem(at: folder) }
        let batch = OutboxWorkerTests.alerts(24)
        _ = try store.recordFiring(batch)
        let sink = try Self.webhook(server, senders: 4)
        #expect(sink.senders == 4)
        let worker = OutboxWorker(store: store, sinks: ["hook": sink], policy: NotifyFixtures.fastPolicy, logger: NotifyFixtures.logger)
        let started = Date()
        let stats = worker.drain()
        let elapsed = Date().timeIntervalSince(started)
        #expect(stats.delivered == 24)
        #expect(elapsed < 3.5, "took \(elapsed) s")
        #expect(log.ids.sorted() == batch.map(\.alert.id).sorted())
        #expect(try store.outboxCounts() == OutboxCounts(pending: 0, delivered: 24, dead: 0))
    }

    /// 500, 429 with Retry-After and resets in rotation, four senders: each alert accepted once.
    @Test func flakyReceiverStillGetsEachAlertExactlyOnce() throws {
        let log = AcceptLog()
        let server = try LoopbackHTTPServer { request in
            switch log.next() % 5 {
            case 0: return .status(500)
            case 1: return .text("busy", status: 429, headers: [("Retry-After", "1")])
            case 2: return .reset
            default: log.accept(request); return .text("ok")
            }
        }
        defer { server.stop() }
        let (store, folder) = try NotifyFixtures.temporaryStore()
        defer { store.close(); try? FileManager.default.removeItem(at: folder) }
        let batch = OutboxWorkerTests.alerts(30)
        _ = try store.recordFiring(batch)
        let worker = OutboxWorker(store: store, sinks: ["hook": try Self.webhook(server, senders: 4)],
                                  policy: NotifyFixtures.fastPolicy, logger: NotifyFixtures.logger)
        #expect(try drainUntilEmpty(worker, store))
        #expect(log.ids.sorted() == batch.map(\.alert.id).sorted())
        #expect(Set(log.ids).count == log.ids.count, "an alert was accepted twice")
        #expect(try store.outboxCounts() == OutboxCounts(pending: 0, delivered: 30, dead: 0))
    }

    /// A story's first message and its update due in one drain: the update never overtakes it.
    @Test func anUpdateStillFollowsItsFirstMessage() throws {
        let log = AcceptLog()
        // The first message is slow, so a second sender reaches the update while it is in flight.
        let server = try LoopbackHTTPServer { request in
            log.accept(request)
            return request.header("webhook-id")?.hasSuffix("-u1") == true ? .text("ok") : .delayed(seconds: 0.3, then: .text("ok"))
        }
        defer { server.stop() }
        let (store, folder) = try NotifyFixtures.temporaryStore()
        defer { store.close(); try? FileManager.default.removeItem(at: folder) }
        let firings = SinkThreadTests.story(sink: "hook")
        _ = try store.recordStories(firings)
        let worker = OutboxWorker(store: store, sinks: ["hook": try Self.webhook(server, senders: 4)],
                                  policy: NotifyFixtures.fastPolicy, logger: NotifyFixtures.logger)
        #expect(try drainUntilEmpty(worker, store))
        let first = firings[0].alerts[0].alert.id, update = firings[1].alerts[0].alert.id
        #expect(log.ids == [first, update])
    }

    /// A rate-limited sink sends one at a time whatever `senders` says: 5 sends at 10/s ≥ 0.4 s.
    @Test func aRateLimitKeepsOneSender() throws {
        let server = try LoopbackHTTPServer { _ in .text("ok") }
        defer { server.stop() }
        let (store, folder) = try NotifyFixtures.temporaryStore()
        defer { store.close(); try? FileManager.default.removeItem(at: folder) }
        _ = try store.recordFiring(OutboxWorkerTests.alerts(5))
        let worker = OutboxWorker(store: store, sinks: ["hook": try Self.webhook(server, senders: 4, rateLimit: 10)],
                                  policy: NotifyFixtures.fastPolicy, logger: NotifyFixtures.logger)
        let started = Date()
        #expect(worker.drain().delivered == 5)
        #expect(Date().timeIntervalSince(started) >= 0.38)
    }
}
