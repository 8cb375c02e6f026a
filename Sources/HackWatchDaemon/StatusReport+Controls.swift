import Foundation
import HackWatchConfiguration
import HackWatchModel
import HackWatchStore

extension StatusReport {
    /// Per sink: pending, held, silenced and dead rows and the newest error (every configured
    /// sink, then any the outbox still names that the config no longer has).
    static func sinkSummaries(config: HackWatchConfig, store: any StateStoring) throws(StoreError) -> [(summary: SinkOutboxSummary, configured: Bool)] {
        let stored = Dictionary(try store.sinkOutboxSummaries().map { ($0.sink, $0) }, uniquingKeysWith: { a, _ in a })
        let names = config.sinks.map(\.name)
        return names.map { (stored[$0] ?? SinkOutboxSummary(sink: $0), true) }
            + stored.keys.filter { !names.contains($0) }.sorted().map { (stored[$0]!, false) }
    }

    static func sinkLines(config: HackWatchConfig, store: any StateStoring) throws(StoreError) -> [String] {
        let summaries = try sinkSummaries(config: config, store: store)
        guard !summaries.isEmpty else { return [] }
        var lines = ["sinks:"]
        for (summary, configured) in summaries {
            let c = summary.counts
            let note = configured ? (config.sinks.first { $0.name == summary.sink }?.enabled == false ? " (disabled)" : "") : " (no longer configured)"
            lines.append("  \(summary.sink)\(note): \(c.pending) pending, \(c.held) held, \(c.silenced) silenced, \(c.dead) dead"
                + (summary.lastError.map { "; last error: \($0)" } ?? ""))
        }
        return lines
    }

    static func silenceLines(store: any StateStoring, now: Date) throws(StoreError) -> [String] {
        let silences = try store.silences(activeAt: now, includeExpired: false)
        guard !silences.isEmpty else { return ["silences: none active"] }
        return ["silences (\(silences.count) active):"]
            + SilenceReport.table(silences, now: now).split(separator: "\n").map { "  " + $0 }
    }

    /// `status --json`: feeds, outbox counts, per-sink counts with the last error, active silences.
    package static func json(config: HackWatchConfig, store: any StateStoring, now: Date = Date()) throws(StoreError) -> JSONValue {
        let states = Dictionary(try store.allFeedStates().map { ($0.feed, $0) }, uniquingKeysWith: { a, _ in a })
        func date(_ value: Date?) -> JSONValue { value.map { .string(SilenceReport.iso($0)) } ?? .null }
        let feeds: [JSONValue] = config.feeds.map { feed in
            let state = states[feed.name]
            return .object([
                "name": .string(feed.name), "enabled": .bool(feed.enabled),
                "polls": .number(Double(state?.polls ?? 0)), "failures": .number(Double(state?.failures ?? 0)),
                "consecutive_failures": .number(Double(state?.consecutiveFailures ?? 0)),
                "last_attempt": date(state?.lastAttempt), "last_success": date(state?.lastSuccess),
                "last_error": (state?.consecutiveFailures ?? 0) > 0 ? state?.lastError.map(JSONValue.string) ?? .null : .null,
            ])
        }
        let sinks: [JSONValue] = try sinkSummaries(config: config, store: store).map { summary, configured in
            let c = summary.counts
            return .object([
                "name": .string(summary.sink), "configured": .bool(configured),
                "pending": .number(Double(c.pending)), "held": .number(Double(c.held)), "silenced": .number(Double(c.silenced)),
                "dead": .number(Double(c.dead)), "delivered": .number(Double(c.delivered)),
                "last_error": summary.lastError.map(JSONValue.string) ?? .null,
            ])
        }
        let counts = try store.outboxCounts()
        return .object([
            "state": .string(StateStore.path(stateDir: config.stateDir)), "exists": .bool(true),
            "feeds": .array(feeds),
            "incidents": .number(Double(try store.incidentCount())),
            "deliveries": .object([
                "pending": .number(Double(counts.pending)), "delivered": .number(Double(counts.delivered)),
                "dead": .number(Double(counts.dead)), "silenced": .number(Double(counts.silenced)), "held": .number(Double(counts.held)),
            ]),
            "sinks": .array(sinks),
            "silences": .array(try store.silences(activeAt: now, includeExpired: false).map { SilenceReport.json($0, now: now) }),
        ])
    }
}
