import Foundation
import HackWatchModel
import HackWatchStore

/// What the listener asks of the daemon. The daemon implements it; the listener never reaches
/// into the daemon's types, so this target builds with the model, configuration and store only.
package protocol WebStatusProviding: AnyObject, Sendable {
    /// The state database (read only here); nil until it is open (the listener starts first, so
    /// `/-/ready` can say what the daemon is waiting for).
    var store: (any StateStoring)? { get }
    /// Why the daemon is not ready (rules loaded, store open, every feed scheduled); empty: ready.
    func readinessProblems() -> [String]
    /// The Prometheus exposition text of every figure.
    func metricsText() -> String
    /// The configured, enabled feeds with their settings.
    func feeds() -> [WebFeed]
    /// Runs the SIGHUP reload now and says whether the new config was taken.
    func reload() -> ReloadOutcome
    /// On a shared store: `leader (epoch N)`, `standby (leader H, epoch N)` or why it is
    /// disconnected; nil on SQLite.
    func role() -> String?
}

extension WebStatusProviding {
    /// No shared store.
    package func role() -> String? { nil }
}

/// A configured feed as the API shows it (the URL with credentials and query removed).
package struct WebFeed: Sendable {
    /// The feed's name.
    package var name: String
    /// `URLRedaction.redact`ed.
    package var url: String
    /// The format name.
    package var format: String
    /// Poll interval, seconds.
    package var interval: Double
    /// A feed failing or stale this long is unhealthy (seconds).
    package var staleAfter: Double

    package init(name: String, url: String, format: String, interval: Double, staleAfter: Double) {
        self.name = name
        self.url = url
        self.format = format
        self.interval = interval
        self.staleAfter = staleAfter
    }
}

/// The answer of a reload.
package struct ReloadOutcome: Sendable, Equatable {
    /// The new config and rules are in force.
    package var accepted: Bool
    /// Why not (the loader's messages), or a summary.
    package var message: String

    package init(accepted: Bool, message: String) {
        self.accepted = accepted
        self.message = message
    }
}
