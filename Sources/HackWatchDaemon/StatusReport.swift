import Foundation
import HackWatchConfiguration
import HackWatchModel
import HackWatchStore

/// `hackwatch status`: what the state database says, for a human. Holds no secrets: feed errors
/// and delivery errors are stored already redacted, and sinks are named, never their URLs.
package enum StatusReport {
    /// The report text for `config`'s feeds and the whole outbox.
    package static func render(config: HackWatchConfig, store: any StateStoring, now: Date = Date()) throws(StoreError) -> String {
        let states = Dictionary(try store.allFeedStates().map { ($0.feed, $0) }, uniquingKeysWith: { a, _ in a })
        var lines = ["state: \(StateStore.path(stateDir: config.stateDir))", "", "feeds:"]
        for feed in config.feeds {
            guard feed.enabled else { lines.append("  \(feed.name): disabled"); continue }
            guard let state = states[feed.name], let attempt = state.lastAttempt else {
                lines.append("  \(feed.name): never polled")
                continue
            }
            let health = state.consecutiveFailures == 0 ? "ok" : "FAILING (\(state.consecutiveFailures) in a row)"
            let success = state.lastSuccess.map { ago($0, now: now) } ?? "never"
            lines.append("  \(feed.name): \(health); last poll \(ago(attempt, now: now)), last success \(success); "
                + "\(state.polls) polls, \(state.failures) failed")
            if let error = state.lastError, state.consecutiveFailures > 0 { lines.append("    last error: \(error)") }
        }
        let counts = try store.outboxCounts()
        lines += ["", "incidents seen: \(try store.incidentCount())",
                  "deliveries: \(counts.pending) pending, \(counts.delivered) delivered, \(counts.dead) dead, "
                    + "\(counts.silenced) silenced, \(counts.held) held"]
        lines += try sinkLines(config: config, store: store)
        lines += try silenceLines(store: store, now: now)
        // During an outage the pending rows are the news: say why each is still waiting.
        let pending = try store.pendingDeliveries(limit: 10).filter { $0.attempts > 0 || $0.lastError != nil }
        if !pending.isEmpty {
            lines.append("pending deliveries that failed (oldest \(pending.count)):")
            for delivery in pending {
                let next = delivery.nextAttempt > now ? "next try in \(TimeSpan(seconds: delivery.nextAttempt.timeIntervalSince(now).rounded(.up)))" : "due now"
                lines.append("  \(delivery.alert.rule) → \(delivery.sink): \(delivery.alert.incident.name) — "
                    + "\(delivery.attempts) attempts, \(next); last error: \(delivery.lastError ?? "none recorded")")
            }
        }
        let dead = try store.deadDeliveries(limit: 10)
        if !dead.isEmpty {
            lines.append("dead deliveries (latest \(dead.count)):")
            for delivery in dead {
                lines.append("  \(delivery.alert.rule) → \(delivery.sink): \(delivery.alert.incident.name) — \(delivery.lastError ?? "no error recorded")")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// "3m ago", "2h ago", "5d ago".
    static func ago(_ date: Date, now: Date) -> String {
        let seconds = max(0, now.timeIntervalSince(date))
        let span = seconds < 60 ? "\(Int(seconds))s" : seconds < 3600 ? "\(Int(seconds / 60))m"
            : seconds < 86_400 ? "\(Int(seconds / 3600))h" : "\(Int(seconds / 86_400))d"
        return "\(span) ago"
    }
}
