import Foundation
import Logging

/// `hackwatch once`: every enabled feed polled once (concurrently, as the daemon would),
/// the outbox drained up to `delivery_deadline`, then exit.
public enum OncePoll {
    /// What happened, for the command to print and turn into an exit status.
    public struct Outcome: Sendable {
        /// Feed name → error, for feeds that failed.
        public var failures: [String: String] = [:]
        /// Alerts recorded (or, dry run, that would be).
        public var alerts: [Alert] = []
        /// Deliveries still pending after the drain.
        public var pending = 0
    }

    /// Runs one poll of every feed. `dryRun` reads the state database but writes nothing and
    /// sends nothing (no sink secrets are needed either).
    public static func run(configPath: String, dryRun: Bool, environment: [String: String] = ProcessInfo.processInfo.environment,
                           logger: Logger) throws -> Outcome {
        let client = HTTPClient()
        let runtime = try DaemonRuntime.load(configPath: configPath, environment: environment, client: client, buildSinks: !dryRun)
        DaemonLogging.apply(configLevel: runtime.config.logLevel, environment: environment)
        try FileManager.default.createDirectory(atPath: runtime.config.stateDir, withIntermediateDirectories: true)
        let store = try StateStore(path: StateStore.path(stateDir: runtime.config.stateDir))
        defer { store.close() }
        let poller = FeedPoller(store: store, fetcher: FeedFetcher(client: HTTPClient(caFile: runtime.config.caFile)), logger: logger)
        let feeds = runtime.feeds
        let reports = Reports(count: feeds.count)
        DispatchQueue.concurrentPerform(iterations: feeds.count) { index in
            reports.set(index, poller.poll(feeds[index], runtime: runtime, dryRun: dryRun))
        }
        var outcome = Outcome()
        for (feed, report) in zip(feeds, reports.all) {
            if let error = report?.error { outcome.failures[feed.name] = error }
            outcome.alerts += report?.stats.alerts ?? []
        }
        outcome.alerts.sort { ($0.incident.date ?? .distantPast, $0.rule) < ($1.incident.date ?? .distantPast, $1.rule) }
        guard !dryRun else { return outcome }
        let worker = OutboxWorker(store: store, sinks: runtime.sinks, logger: logger)
        _ = worker.drain(deadline: Date().addingTimeInterval(runtime.config.deliveryDeadline.seconds))
        outcome.pending = (try? store.outboxCounts().pending) ?? 0
        return outcome
    }
}

/// Poll reports written from concurrent feed polls.
private final class Reports: @unchecked Sendable {
    private let lock = NSLock()
    private var reports: [PollReport?]
    init(count: Int) { reports = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ report: PollReport) { lock.withLock { reports[index] = report } }
    var all: [PollReport?] { lock.withLock { reports } }
}
