import Foundation
import Logging
import HackWatchConfiguration
import HackWatchModel
import HackWatchStore
import HackWatchWeb

/// What the HTTP listener sees of the daemon. The listener starts before the state database is
/// opened (so `/-/ready` answers 503 and why while the daemon starts); the daemon attaches
/// itself once it exists.
final class DaemonWebStatus: WebStatusProviding, @unchecked Sendable {
    private let lock = NSLock()
    private weak var daemon: Daemon?
    private var _store: (any StateStoring)?

    func attach(_ daemon: Daemon, store: any StateStoring) {
        lock.withLock {
            self.daemon = daemon
            _store = store
        }
    }

    private var attached: Daemon? { lock.withLock { daemon } }

    var store: (any StateStoring)? { lock.withLock { _store } }

    func readinessProblems() -> [String] {
        guard let daemon = attached else { return ["the state database is not open yet"] }
        return daemon.readinessProblems()
    }

    func metricsText() -> String {
        attached?.metricsText() ?? ""
    }

    func feeds() -> [WebFeed] {
        guard let daemon = attached else { return [] }
        let config = daemon.currentRuntime().config
        return daemon.currentRuntime().feeds.map { feed in
            WebFeed(name: feed.name, url: feed.url.hasPrefix("file:") ? feed.url : URLRedaction.redact(feed.url),
                    format: feed.format.rawValue, interval: feed.interval.seconds, staleAfter: config.feedStaleAfter.seconds)
        }
    }

    func role() -> String? { attached?.role?.description }

    func reload() -> ReloadOutcome {
        guard let daemon = attached else { return ReloadOutcome(accepted: false, message: "the daemon is still starting") }
        return daemon.reloadFromHTTP()
    }
}

extension Daemon {
    /// Starts the listener of `config.http`, if any; throws when it cannot bind or read its token.
    static func startWeb(_ config: HackWatchConfig, status: DaemonWebStatus, environment: [String: String],
                         logger: Logger) throws(WebServerError) -> WebServer? {
        guard let http = config.http else { return nil }
        let token = try WebServer.readToken(http, environment: environment)
        let server = WebServer(config: http, token: token, provider: status, logger: logger)
        try server.start()
        return server
    }

    /// The textfile's figures and the live ones (latency, poll duration, rule evaluations).
    func metricsText() -> String {
        let current = currentRuntime()
        let base = (try? MetricsSnapshot.read(from: store, runtime: current, lastReloadOK: lock.withLock { lastReloadOK }))
            .map(MetricsTextfile.render) ?? ""
        return base + liveMetrics.render()
    }
}
