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
    package static func write(_ snapshot: MetricsSnapshot, to path: String) throws(MetricsTextfileError) {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        let bytes = Array(render(snapshot).utf8)
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw problem(path: path) ?? .cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        // 0644 whatever the umask: the service runs with UMask=0077, and node_exporter reads the
        // file as another user.
        let written = fchmod(fd, 0o644) == 0 && writeAll(fd, bytes)
        let code = errno
        close(fd)
        guard written, rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(written ? errno : code))
            unlink(temporary.path)
            throw .cannotWrite(path: path, reason: reason)
        }
    }

    /// Why `path` cannot be written, as far as can be told without writing: its folder is
    /// missing, not a folder, or not writable. `check` reports it; nil when it looks usable.
    package static func problem(path: String) -> MetricsTextfileError? {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) else { return .missingFolder(folder) }
        guard isFolder.boolValue else { return .notAFolder(folder) }
        guard access(folder, W_OK | X_OK) == 0 else { return .unwritableFolder(folder) }
        return nil
    }

    /// Label values escape backslash, quote and newline.
    static func escape(_ value: String) -> String { PrometheusText.escape(value) }

    static func number(_ value: Double) -> String { PrometheusText.number(value) }
}

/// Writes all of `bytes` to `fd` (retrying short writes and EINTR); false with `errno` set.
private func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { return false }
        offset += n
    }
    return true
}

/// Why the metrics textfile could not be written: one line naming the file or folder.
package enum MetricsTextfileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The folder `metrics_textfile` names does not exist.
    case missingFolder(String)
    /// The path's parent exists but is not a folder.
    case notAFolder(String)
    /// The folder exists but this user cannot create files in it.
    case unwritableFolder(String)
    /// Writing or renaming failed for another reason (`strerror` text).
    case cannotWrite(path: String, reason: String)

    package var description: String {
        switch self {
        case .missingFolder(let folder): "metrics_textfile: folder \(folder) does not exist"
        case .notAFolder(let folder): "metrics_textfile: \(folder) is not a folder"
        case .unwritableFolder(let folder):
            "metrics_textfile: folder \(folder) is not writable by this user (under systemd add it with ReadWritePaths=)"
        case .cannotWrite(let path, let reason): "metrics_textfile: cannot write \(path): \(reason)"
        }
    }
}
