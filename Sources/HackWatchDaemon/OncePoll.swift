import Foundation
import Logging
import HackWatchFeeds
import HackWatchHTTP
import HackWatchModel
import HackWatchNotify
import HackWatchStore

/// `hackwatch once`: every enabled feed polled once (concurrently, as the daemon would),
/// the outbox drained up to `delivery_deadline`, the metrics textfile written, then exit.
package enum OncePoll {
    /// What happened, for the command to print and turn into an exit status.
    package struct Outcome: Sendable {
        /// Feed name → error, for feeds that failed.
        package var failures: [String: String] = [:]
        /// Alerts recorded (or, dry run, that would be).
        package var alerts: [Alert] = []
        /// Deliveries still pending after the drain.
        package var pending = 0
        /// Deliveries that went dead during this run (a permanent failure, or past the 24 h limit).
        package var dead = 0
        /// The config, rules and sinks the poll ran with (`--dry-run --show` routes with them).
        package var runtime: DaemonRuntime?

        /// The documented exit status (`hackwatch --help`): bits 1 a feed failed, 2 deliveries
        /// still pending, 4 a delivery went dead; 0 when everything polled and was acknowledged.
        package var exitStatus: Int32 {
            (failures.isEmpty ? 0 : 1) | (pending > 0 ? 2 : 0) | (dead > 0 ? 4 : 0)
        }
    }

    /// Runs one poll of every feed. `dryRun` reads the state database (if there is one) but writes
    /// nothing and sends nothing (no sink secrets are needed either).
    package static func run(configPath: String, dryRun: Bool, environment: [String: String] = ProcessInfo.processInfo.environment,
                           logger: Logger) throws -> Outcome {
        let client = HTTPClient()
        let runtime = try DaemonRuntime.load(configPath: configPath, environment: environment, client: client, buildSinks: !dryRun)
        DaemonLogging.apply(configLevel: runtime.config.logLevel, environment: environment)
        let path = StateStore.path(stateDir: runtime.config.stateDir)
        // A dry run before the first real one must not leave an empty database (or a root-owned
        // state folder) behind: an in-memory store stands in for the missing file.
        let store: StateStore
        var stateLock: StateDirectoryLock?
        if dryRun {
            // Read-only: no lock, so a dry run works beside a running daemon.
            store = try FileManager.default.fileExists(atPath: path) ? StateDirectory.openStore(path: path) : StateStore(path: ":memory:")
        } else {
            (store, stateLock) = try StateDirectory.openStore(runtime.config.stateDir)
        }
        defer { withExtendedLifetime(stateLock) {} }
        defer { store.close() }
        // Dead rows from earlier runs are old news (`status` lists them); only new ones count.
        let deadBefore = dryRun ? 0 : ((try? store.outboxCounts().dead) ?? 0)
        let poller = FeedPoller(store: store, fetcher: FeedFetcher(client: HTTPClient(caFile: runtime.config.caFile)), logger: logger)
        let feeds = runtime.feeds
        let reports = Reports(count: feeds.count)
        DispatchQueue.concurrentPerform(iterations: feeds.count) { index in
            reports.set(index, poller.poll(feeds[index], runtime: runtime, dryRun: dryRun))
        }
        var outcome = Outcome()
        outcome.runtime = runtime
        for (feed, report) in zip(feeds, reports.all) {
            if let error = report?.error { outcome.failures[feed.name] = error }
            outcome.alerts += report?.stats.alerts ?? []
        }
        outcome.alerts.sort { ($0.incident.date ?? .distantPast, $0.rule) < ($1.incident.date ?? .distantPast, $1.rule) }
        guard !dryRun else { return outcome }
        let worker = OutboxWorker(store: store, sinks: runtime.sinks, logger: logger,
                                  gate: DeliveryControls(store: store, windows: runtime.config.timeIntervals, logger: logger))
        _ = worker.drain(deadline: Date().addingTimeInterval(runtime.config.deliveryDeadline.seconds))
        let counts = try? store.outboxCounts()
        outcome.pending = counts?.pending ?? 0
        outcome.dead = max(0, (counts?.dead ?? deadBefore) - deadBefore)
        // `once` from a timer or cron is a deployment too: keep the textfile as current as `run` does.
        if let metrics = runtime.config.metricsTextfile {
            do {
                try MetricsTextfile.write(try MetricsSnapshot.read(from: store, runtime: runtime), to: metrics)
            } catch {
                logger.warning("cannot write metrics textfile", metadata: ["path": "\(metrics)", "error": "\(error)"])
            }
        }
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
