import Foundation
import HackWatchWeb

/// Figures the daemon exports for node_exporter's textfile collector.
package struct MetricsSnapshot: Sendable, Hashable {
    /// Per-feed counters.
    package struct Feed: Sendable, Hashable {
        /// The feed's name (the `feed` label).
        package var name: String
        /// Polls attempted since the state database was created.
        package var polls: Int
        /// Polls that failed.
        package var failures: Int
        /// Failures since the last success.
        package var consecutiveFailures: Int
        /// The last successful poll (200 or 304).
        package var lastSuccess: Date?
        package init(name: String, polls: Int, failures: Int, consecutiveFailures: Int, lastSuccess: Date?) {
            self.name = name
            self.polls = polls
            self.failures = failures
            self.consecutiveFailures = consecutiveFailures
            self.lastSuccess = lastSuccess
        }
    }
    /// The configured, enabled feeds.
    package var feeds: [Feed]
    /// Incidents in the state database.
    package var incidentsSeen: Int
    /// Outbox rows acknowledged by their destination.
    package var alertsDelivered: Int
    /// Outbox rows waiting for a first send or a retry.
    package var alertsPending: Int
    /// Outbox rows given up on.
    package var alertsDead: Int
    /// Rules in force.
    package var rules: Int
    /// Whether the last SIGHUP reload succeeded (true before any).
    package var lastReloadSuccess: Bool

    package init(feeds: [Feed] = [], incidentsSeen: Int = 0, alertsDelivered: Int = 0, alertsPending: Int = 0,
                alertsDead: Int = 0, rules: Int = 0, lastReloadSuccess: Bool = true) {
        self.feeds = feeds
        self.incidentsSeen = incidentsSeen
        self.alertsDelivered = alertsDelivered
        self.alertsPending = alertsPending
        self.alertsDead = alertsDead
        self.rules = rules
        self.lastReloadSuccess = lastReloadSuccess
    }
}

/// Writes a `MetricsSnapshot` in the Prometheus text format to `metrics_textfile`.
///
/// node_exporter may read the file at any moment, so it is written to a temporary file in the
/// same folder and renamed over the old one (rename is atomic within a filesystem); the
/// temporary name does not end in `.prom`, so the collector never reads a half-written file.
package enum MetricsTextfile {
    /// The file's text.
    package static func render(_ snapshot: MetricsSnapshot) -> String {
        var out: [String] = []
        func metric(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            out.append("# HELP \(name) \(help)")
            out.append("# TYPE \(name) \(type)")
            for sample in samples { out.append("\(name)\(sample.labels) \(sample.value)") }
        }
        let feeds = snapshot.feeds.sorted { $0.name < $1.name }
        func label(_ feed: MetricsSnapshot.Feed) -> String { "{feed=\"\(escape(feed.name))\"}" }
        metric("hackwatch_feed_polls_total", "counter", "Polls of each feed.", feeds.map { (label($0), "\($0.polls)") })
        metric("hackwatch_feed_failures_total", "counter", "Failed polls of each feed.", feeds.map { (label($0), "\($0.failures)") })
        metric("hackwatch_feed_consecutive_failures", "gauge", "Failed polls in a row.",
               feeds.map { (label($0), "\($0.consecutiveFailures)") })
        metric("hackwatch_feed_last_success_timestamp_seconds", "gauge", "Unix time of the last successful poll (0: never).",
               feeds.map { (label($0), number($0.lastSuccess?.timeIntervalSince1970 ?? 0)) })
        metric("hackwatch_incidents_seen", "gauge", "Incidents in the state database.", [("", "\(snapshot.incidentsSeen)")])
        metric("hackwatch_alerts", "gauge", "Outbox deliveries by state.", [
            ("{state=\"delivered\"}", "\(snapshot.alertsDelivered)"),
            ("{state=\"pending\"}", "\(snapshot.alertsPending)"),
            ("{state=\"dead\"}", "\(snapshot.alertsDead)"),
        ])
        metric("hackwatch_rules_loaded", "gauge", "Rules in force.", [("", "\(snapshot.rules)")])
        metric("hackwatch_config_last_reload_successful", "gauge", "1 when the last reload succeeded.",
               [("", snapshot.lastReloadSuccess ? "1" : "0")])
        return out.joined(separator: "\n") + "\n"
    }

    /// Renders and atomically replaces `path`.
    package static func write(_ snapshot: MetricsSnapshot, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        let data = Data(render(snapshot).utf8)
        // 0644 whatever the umask: the service runs with UMask=0077, and node_exporter reads the
        // file as another user.
        guard FileManager.default.createFile(atPath: temporary.path, contents: data,
                                             attributes: [.posixPermissions: 0o644]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary.path])
        }
        if rename(temporary.path, url.path) != 0 {
            let code = errno
            unlink(temporary.path)
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
    }

    /// Label values escape backslash, quote and newline.
    static func escape(_ value: String) -> String { PrometheusText.escape(value) }

    static func number(_ value: Double) -> String { PrometheusText.number(value) }
}
