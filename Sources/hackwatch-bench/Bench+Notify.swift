import Foundation
import Logging
import TestSupport
import HackWatchConfiguration
import HackWatchModel
import HackWatchNotify
import HackWatchStore

/// Delivery throughput: 1,000 alerts written to the outbox in one `recordFiring` transaction,
/// then drained by an `OutboxWorker` to a signed webhook on a loopback receiver (a separate
/// python3 process, so its memory is not counted). Reports alerts/s and this process's peak RSS.
func benchNotify(_ report: inout BenchReport) {
    do {
        try benchWebhookDelivery(&report, count: 1000)
        try benchWebhookDelivery(&report, count: 1000, senders: 4)
    } catch {
        report.note("notify bench failed: \(error)")
    }
}

/// `count` alerts of distinct incidents, each to the sink `hook`.
func benchAlerts(count: Int) -> [(alert: Alert, sinks: [String])] {
    (0..<count).map { index in
        let incident = Incident(id: "bench-\(index)", source: "bench", name: "Protocol \(index)",
                                title: "Protocol \(index) exploited for $\(index)M", url: "https://example.org/\(index)",
                                date: Date(), loss: Money(usd: Double(index) * 1e6), chains: ["Ethereum"],
                                technique: "Private Key Compromised", bridge: index % 3 == 0)
        return (Alert(rule: "bench", severity: .high, incident: incident), ["hook"])
    }
}

/// The fan-out on `store`: one `recordFiring` of every alert, then an `OutboxWorker` draining
/// them to a signed webhook on `receiver`. Figures named `prefix.…`.
@discardableResult
func benchFanOut(_ report: inout BenchReport, store: any StateStoring, alerts: [(alert: Alert, sinks: [String])],
                 receiver: BenchReceiver, prefix: String, backend: String, senders: Int = 1) throws -> Logger {
    let count = alerts.count
    let start = receiver.received
    var recorded = 0
    let recordSeconds = try measure { recorded = try store.recordFiring(alerts).count }
    report.record("\(prefix).record_firing_\(count)", recordSeconds * 1000, "ms", note: "\(recorded) alerts + outbox rows, one transaction (\(backend))")

    var config = SinkConfig(name: "hook", type: "webhook", url: .literal("http://127.0.0.1:\(receiver.port)/hook"),
                            secret: .literal("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
    config.settings["timeout"] = .number(10)
    config.settings["senders"] = .number(Double(senders))
    let sink = try SinkFactory.make(config, environment: [:])
    var logger = Logger(label: "bench")
    logger.logLevel = .critical
    let worker = OutboxWorker(store: store, sinks: ["hook": sink], logger: logger)
    var delivered = 0
    let seconds = measure {
        let end = Date().addingTimeInterval(120)
        while Date() < end {
            delivered += worker.drain().delivered
            if (try? store.outboxCounts().pending) == 0 { break }
        }
    }
    _ = waitUntil(timeout: 10) { receiver.received - start >= count }
    guard senders == 1 else {
        report.record("\(prefix).webhook_alerts_per_s_\(senders)_senders", Double(delivered) / seconds, "alerts/s",
                      note: "\(delivered)/\(count) signed webhook deliveries over loopback, \(senders) in flight (\(backend))")
        return logger
    }
    report.record("\(prefix).webhook_alerts_per_s", Double(delivered) / seconds, "alerts/s",
                  note: "\(delivered)/\(count) signed webhook deliveries over loopback (sequential; connections kept alive; \(backend))")
    report.record("\(prefix).webhook_received", Double(receiver.received - start), "alerts", note: "counted by the receiver")
    return logger
}

private func benchWebhookDelivery(_ report: inout BenchReport, count: Int, senders: Int = 1) throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hackwatch-bench-notify-\(getpid())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let receiver = try BenchReceiver(feedFile: "/dev/null")
    defer { receiver.stop() }

    let store = try StateStore(path: StateStore.path(stateDir: folder.path))
    defer { store.close() }
    let alerts = benchAlerts(count: count)
    let rssBefore = peakRSSMiB()
    let logger = try benchFanOut(&report, store: store, alerts: alerts, receiver: receiver, prefix: "notify", backend: "SQLite",
                                 senders: senders)
    guard senders == 1 else { return }
    try benchOutboxOverhead(&report, alerts: alerts, folder: folder, logger: logger)
    benchNotifyPostgres(&report, count: count, receiver: receiver)
    report.record("notify.peak_rss", peakRSSMiB(), "MiB", note: "whole bench process; \(String(format: "%.1f", rssBefore)) MiB before this section")
}

/// The outbox's own cost: the same alerts drained to a sink that acknowledges at once, so the
/// figure is SQLite bookkeeping plus payload rendering (the webhook JSON and its signature).
private func benchOutboxOverhead(_ report: inout BenchReport, alerts: [(alert: Alert, sinks: [String])], folder: URL,
                                 logger: Logger) throws {
    struct Instant: Sink {
        let name = "instant"
        let signer = try? WebhookSigner(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        func send(_ alert: Alert) -> SinkResult {
            let body = AlertPayload.bodyBytes(for: alert)
            _ = signer?.signature(id: alert.id, timestamp: 0, body: body)
            return .delivered
        }
    }
    let store = try StateStore(path: folder.appendingPathComponent("overhead.sqlite").path)
    defer { store.close() }
    _ = try store.recordFiring(alerts.map { ($0.alert, ["instant"]) })
    let worker = OutboxWorker(store: store, sinks: ["instant": Instant()], logger: logger)
    var delivered = 0
    let seconds = measure { delivered = worker.drain().delivered }
    report.record("notify.outbox_overhead_alerts_per_s", Double(delivered) / seconds, "alerts/s",
                  note: "render + sign + mark delivered, no network")
}
