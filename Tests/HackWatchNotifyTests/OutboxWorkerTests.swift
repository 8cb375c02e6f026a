import Foundation
import Testing
import TestSupport
import HackWatchFixtures
@testable import HackWatchConfiguration
@testable import HackWatchModel
@testable import HackWatchNotify
@testable import HackWatchStore

/// A receiver that records which alert ids it accepted (answered 2xx), under a lock.
final class AcceptLog: @unchecked Sendable {
    private let lock = NSLock()
    private var accepted: [String] = []
    private var requests = 0

    /// Counts a request; returns its 0-based number.
    func next() -> Int { lock.withLock { defer { requests += 1 }; return requests } }
    func accept(_ request: RecordedRequest) { lock.withLock { accepted.append(request.header("webhook-id") ?? "?") } }
    var ids: [String] { lock.withLock { accepted } }
    var requestCount: Int { lock.withLock { requests } }
}

/// Drains until nothing is pending or `timeout` passes; true when the outbox emptied.
func drainUntilEmpty(_ worker: OutboxWorker, _ store: StateStore, timeout: Double = 30) throws -> Bool {
    let end = Date().addingTimeInterval(timeout)
    while Date() < end {
        worker.drain()
        if try store.outboxCounts().pending == 0 { return true }
        Thread.sleep(forTimeInterval: 0.02)
    }
    return false
}

@Suite struct OutboxWorkerTests {
    static func webhook(_ server: LoopbackHTTPServer, timeout: Double = 1) throws -> any Sink {
        var config = SinkConfig(name: "hook", type: "webhook", url: .literal(server.url("/hook")))
        config.settings["timeout"] = .number(timeout)
        return try SinkFactory.make(config, environment: [:])
    }

    /// A fresh store with `count` alerts for sink "hook" and a fast-retrying worker on `server`.
    static func seeded(_ count: Int, _ server: LoopbackHTTPServer) throws
        -> (StateStore, URL, OutboxWorker, [(alert: Alert, sinks: [String])]) {
        let (store, folder) = try NotifyFixtures.temporaryStore()
        let batch = alerts(count)
        _ = try store.recordFiring(batch)
        let worker = OutboxWorker(store: store, sinks: ["hook": try webhook(server)], policy: NotifyFixtures.fastPolicy,
                                  logger: NotifyFixtures.logger)
        return (store, folder, worker, batch)
    }

    static func alerts(_ count: Int) -> [(alert: Alert, sinks: [String])] {
        (0..<count).map { (NotifyFixtures.alert("incident-\($0)", rule: "r"), ["hook"]) }
    }

    /// 500, 429 with Retry-After, slow answers and connection resets, in rotation: every alert
    /// is accepted exactly once.
    @Test func flakyReceiverAcceptsEveryAlertExactlyOnce() throws {
        let log = AcceptLog()
        let server = try LoopbackHTTPServer { request in
            switch log.next() % 6 {
            case 0: return .status(500)
            case 1: return .text("busy", status: 429, headers: [("Retry-After", "1")])
            case 2: log.accept(request); return .delayed(seconds: 0.3, then: .text("ok"))
            case 3: return .reset
            case 4: return .status(503)
            default: log.accept(request); return .text("ok")
            }
        }
        let (store, folder, worker, batch) = try Self.seeded(12, server)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try drainUntilEmpty(worker, store))
        #expect(log.ids.sorted() == batch.map(\.alert.id).sorted())
        #expect(Set(log.ids).count == log.ids.count, "an alert was accepted twice")
        #expect(log.requestCount > 12)  // the failures really happened
        #expect(try store.outboxCounts() == OutboxCounts(pending: 0, delivered: 12, dead: 0))
    }

    /// Down (resets, then 503s) for a while: nothing is lost, everything arrives once it is back.
    @Test func receiverDownForAWhileGetsEverythingAfter() throws {
        let log = AcceptLog()
        let up = Date().addingTimeInterval(2.5)
        let server = try LoopbackHTTPServer { request in
            let n = log.next()
            guard Date() >= up else { return n % 2 == 0 ? .reset : .status(503) }
            log.accept(request)
            return .text("ok")
        }
        let (store, folder, worker, batch) = try Self.seeded(8, server)
        defer { try? FileManager.default.removeItem(at: folder) }
        worker.drain()
        #expect(try store.outboxCounts().pending == 8)  // first attempt failed, nothing lost
        #expect(try drainUntilEmpty(worker, store))
        #expect(log.ids.sorted() == batch.map(\.alert.id).sorted())
        let retried = try store.pendingDeliveries(limit: 10)
        #expect(retried.isEmpty)
    }

    @Test func permanentErrorsAreDeadAndKeptWithTheirReason() throws {
        let server = try LoopbackHTTPServer { _ in .text("no_service", status: 404) }
        let (store, folder) = try NotifyFixtures.temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try store.recordFiring([(NotifyFixtures.alert(), ["hook", "gone"])])
        let worker = OutboxWorker(store: store, sinks: ["hook": try Self.webhook(server)], policy: NotifyFixtures.fastPolicy,
                                  logger: NotifyFixtures.logger)
        let stats = worker.drain()
        #expect(stats.dead == 2)
        #expect(server.requests.count == 1)  // never retried
        let dead = try store.deadDeliveries(limit: 10).sorted { $0.sink < $1.sink }
        #expect(dead.map(\.lastError) == ["sink 'gone' is not configured", "HTTP 404: no_service"])
        #expect(try store.outboxCounts() == OutboxCounts(pending: 0, delivered: 0, dead: 2))
    }

    @Test func deliveriesPastTheRetryWindowAreGivenUp() throws {
        let server = try LoopbackHTTPServer { _ in .status(503) }
        let (store, folder) = try NotifyFixtures.temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try store.recordFiring([(NotifyFixtures.alert(firedAt: Date().addingTimeInterval(-7200)), ["hook"])])
        var policy = NotifyFixtures.fastPolicy
        policy.giveUpAfter = 3600
        let worker = OutboxWorker(store: store, sinks: ["hook": try Self.webhook(server)], policy: policy, logger: NotifyFixtures.logger)
        #expect(worker.drain().dead == 1)
        #expect(server.requests.isEmpty)
        #expect(try store.deadDeliveries(limit: 1).first?.lastError == "gave up after 0 attempts: expired")
    }

    /// A sink's rate limit spaces its sends; another sink is not held up meanwhile.
    @Test func rateLimitSpacesSendsPerSink() throws {
        final class Recorder: Sink, @unchecked Sendable {
            let name: String
            let minimumInterval: TimeInterval
            private let lock = NSLock()
            private var times: [Date] = []
            init(name: String, interval: TimeInterval) { self.name = name; minimumInterval = interval }
            func send(_ alert: Alert) -> SinkResult { lock.withLock { times.append(Date()) }; return .delivered }
            var sent: [Date] { lock.withLock { times } }
        }
        let slow = Recorder(name: "slow", interval: 0.2), fast = Recorder(name: "fast", interval: 0)
        let (store, folder) = try NotifyFixtures.temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try store.recordFiring((0..<4).map { (NotifyFixtures.alert("i\($0)"), ["slow", "fast"]) })
        let worker = OutboxWorker(store: store, sinks: ["slow": slow, "fast": fast], logger: NotifyFixtures.logger)
        #expect(worker.drain().delivered == 8)
        let gaps = zip(slow.sent.dropFirst(), slow.sent).map { $0.timeIntervalSince($1) }
        #expect(gaps.count == 3)
        #expect(gaps.allSatisfy { $0 >= 0.19 }, "gaps \(gaps)")
        #expect(fast.sent.count == 4)
        #expect(fast.sent.last ?? .distantFuture < slow.sent.last ?? .distantPast)
    }

    /// The background timer delivers after `wake()` and `stop` leaves the rest pending.
    @Test func backgroundWorkerDeliversOnWakeAndStopsCleanly() throws {
        let server = try LoopbackHTTPServer { _ in .text("ok") }
        let (store, folder) = try NotifyFixtures.temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        let worker = OutboxWorker(store: store, sinks: ["hook": try Self.webhook(server)], policy: NotifyFixtures.fastPolicy,
                                  logger: NotifyFixtures.logger)
        worker.start(queue: DispatchQueue(label: "outbox-test"))
        _ = try store.recordFiring(Self.alerts(3))
        worker.wake()
        #expect(server.waitForRequests(3, timeout: 10))
        worker.stop(deadline: Date().addingTimeInterval(2))
        let end = Date().addingTimeInterval(5)
        while try store.outboxCounts().delivered < 3, Date() < end { Thread.sleep(forTimeInterval: 0.02) }
        #expect(try store.outboxCounts() == OutboxCounts(pending: 0, delivered: 3, dead: 0))
        // After stop, new rows wait for the next start.
        _ = try store.recordFiring([(NotifyFixtures.alert("later"), ["hook"])])
        worker.wake()
        Thread.sleep(forTimeInterval: 0.2)
        #expect(try store.outboxCounts().pending == 1)
    }

    /// SIGTERM with a backlog to a slow receiver: the drain already running stops starting sends
    /// at the deadline; what was not sent stays pending, nothing is half-recorded.
    @Test func stopHonoursTheDeadlineEvenMidDrain() throws {
        let server = try LoopbackHTTPServer { _ in .delayed(seconds: 0.2, then: .text("ok")) }
        let (store, folder, worker, _) = try Self.seeded(30, server)
        defer { try? FileManager.default.removeItem(at: folder) }
        worker.start(queue: DispatchQueue(label: "outbox-stop-test"))
        #expect(server.waitForRequests(1, timeout: 10))
        let started = Date()
        worker.stop(deadline: Date().addingTimeInterval(0.5))
        #expect(Date().timeIntervalSince(started) < 5, "stop waited for the whole backlog")
        Thread.sleep(forTimeInterval: 0.5)  // the timer's drain finishes its in-flight send
        let counts = try store.outboxCounts()
        #expect(counts.pending > 0)
        #expect(counts.pending + counts.delivered == 30)
        #expect(counts.delivered >= server.requests.count - 1)
    }

    /// A 429 with `Retry-After: 1` holds that sink back a full second, then every alert goes.
    @Test func retryAfterIsHonouredBeforeTheNextAttempt() throws {
        final class Arrivals: @unchecked Sendable {
            let lock = NSLock()
            var times: [Date] = []
        }
        let arrivals = Arrivals()
        let server = try LoopbackHTTPServer { _ in
            let n = arrivals.lock.withLock { arrivals.times.append(Date()); return arrivals.times.count }
            return n == 1 ? .text("slow down", status: 429, headers: [("Retry-After", "1")]) : .text("ok")
        }
        let (store, folder, worker, _) = try Self.seeded(3, server)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try drainUntilEmpty(worker, store))
        let times = arrivals.lock.withLock { arrivals.times }
        #expect(times.count == 4)  // the refused one, then all three
        if times.count >= 2 { #expect(times[1].timeIntervalSince(times[0]) >= 0.95) }
        #expect(try store.outboxCounts() == OutboxCounts(pending: 0, delivered: 3, dead: 0))
    }
}
