import Foundation
import Logging
import Testing
import TestSupport
@testable import HackWatchConfiguration
@testable import HackWatchDaemon
@testable import HackWatchModel
@testable import HackWatchNotify
@testable import HackWatchStore
@testable import HackWatchWeb

/// The daemon wraps every sink in a `TimedSink` (delivery latency metrics); the wrapper must keep
/// what the outbox worker schedules by (issue 19: it dropped `senders`, so the daemon's
/// 1,000-alert fan-out went over one connection whatever the config said).
@Suite struct TimedSinkTests {
    static func webhook(_ url: String, senders: Int, rateLimit: Double? = nil) throws -> any Sink {
        var config = SinkConfig(name: "hook", type: "webhook", url: .literal(url))
        config.settings["timeout"] = .number(5)
        config.settings["senders"] = .number(Double(senders))
        if let rateLimit { config.settings["rate_limit"] = .number(rateLimit) }
        return try SinkFactory.make(config, environment: [:])
    }

    @Test(arguments: [(1, nil), (4, nil), (16, nil), (4, 2.0)] as [(Int, Double?)])
    func wrappingKeepsSendersAndRateLimit(senders: Int, rateLimit: Double?) throws {
        let base = try Self.webhook("http://127.0.0.1:9/hook", senders: senders, rateLimit: rateLimit)
        let wrapped = try #require(TimedSink.wrap(["hook": base], metrics: LiveMetrics())["hook"])
        #expect(wrapped.senders == senders)
        #expect(wrapped.minimumInterval == base.minimumInterval)
    }

    /// 24 answers that each take 0.2 s through the daemon's wrapped sink: one sender needs
    /// ≥ 4.8 s, four about a quarter of it.
    @Test func wrappedSinkStillSendsFourAtOnce() throws {
        let server = try LoopbackHTTPServer { _ in .delayed(seconds: 0.2, then: .text("ok")) }
        defer { server.stop() }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("timed-sink-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try StateStore(path: dir.appendingPathComponent("state.sqlite").path)
        defer { store.close() }
        let alerts = (0..<24).map { index in
            (alert: Alert(rule: "r", severity: .high,
                          incident: Incident(id: "i\(index)", source: "llama", name: "Protocol \(index)", date: Date(),
                                             loss: Money(usd: 5_000_000)),
                          firedAt: Date()),
             sinks: ["hook"])
        }
        _ = try store.recordFiring(alerts)
        let sinks = TimedSink.wrap(["hook": try Self.webhook(server.url("/hook"), senders: 4)], metrics: LiveMetrics())
        let worker = OutboxWorker(store: store, sinks: sinks, logger: Logger(label: "test"))
        let started = Date()
        let stats = worker.drain()
        let elapsed = Date().timeIntervalSince(started)
        #expect(stats.delivered == 24)
        #expect(elapsed < 3.5, "took \(elapsed) s")
        #expect(try store.outboxCounts() == OutboxCounts(pending: 0, delivered: 24, dead: 0))
    }
}
