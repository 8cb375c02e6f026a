import Foundation
import HackWatchModel
import HackWatchStore

/// The JSON bodies of `/api/v1/` (shapes in docs/openapi.json).
enum WebAPI {
    /// `limit` bounds.
    static let defaultLimit = 50, maxLimit = 500
    /// Outbox rows joined to incidents (per-sink delivery state) come from this many newest rows.
    static let outboxWindow = 2000
    /// `?status=` values of `/api/v1/alerts`.
    static let outboxStates = ["pending", "delivered", "dead", "silenced", "held"]

    static func error(_ message: String) -> JSONValue { .object(["error": .string(message)]) }

    /// RFC 3339 / `YYYY-MM-DD`, or unix seconds.
    static func parseDate(_ text: String) -> Date? {
        if let seconds = Double(text), seconds.isFinite { return Date(timeIntervalSince1970: seconds) }
        return Incident.parseDate(text)
    }

    /// nil when given and not a whole number in 1...maxLimit.
    static func parseLimit(_ text: String?) -> Int? {
        guard let text else { return defaultLimit }
        guard let value = Int(text), (1...maxLimit).contains(value) else { return nil }
        return value
    }

    /// An incident's stable reference in URLs: its (source, id) hashed, since ids are often URLs.
    static func ref(_ incident: Incident) -> String {
        Alert.makeID(incidentID: incident.id, source: incident.source, rule: "")
    }

    /// Newest first by date; undated incidents are not listed (the store indexes by date).
    static func recentIncidents(_ store: any StateStoring, since: Date?, limit: Int) throws(StoreError) -> (page: [Incident], total: Int) {
        let all = try store.incidents(since: since ?? Date(timeIntervalSince1970: 0))
        let sorted = all.sorted { ($0.date ?? .distantPast, $0.name) > ($1.date ?? .distantPast, $1.name) }
        return (Array(sorted.prefix(limit)), sorted.count)
    }

    /// Outbox rows grouped by the incident they alerted on.
    static func deliveriesByIncident(_ store: any StateStoring) throws(StoreError) -> [String: [OutboxEntry]] {
        Dictionary(grouping: try store.recentOutbox(status: nil, limit: outboxWindow)) { ref($0.delivery.alert.incident) }
    }

    static func incidents(_ store: any StateStoring, since: Date?, limit: Int) throws(StoreError) -> JSONValue {
        let (page, total) = try recentIncidents(store, since: since, limit: limit)
        let deliveries = try deliveriesByIncident(store)
        return .object([
            "incidents": .array(page.map { incidentJSON($0, deliveries: deliveries[ref($0)] ?? []) }),
            "count": .number(Double(page.count)), "total": .number(Double(total)), "limit": .number(Double(limit)),
        ])
    }

    static func incident(_ store: any StateStoring, ref wanted: String) throws(StoreError) -> JSONValue? {
        guard wanted.count == 32, wanted.allSatisfy(\.isHexDigit) else { return nil }
        let all = try store.incidents(since: Date(timeIntervalSince1970: 0))
        guard let found = all.first(where: { ref($0) == wanted }) else { return nil }
        return incidentJSON(found, deliveries: try deliveriesByIncident(store)[wanted] ?? [])
    }

    /// The incident's fields (RULES.md names) plus `ref`, the rules that matched and each delivery.
    static func incidentJSON(_ incident: Incident, deliveries: [OutboxEntry]) -> JSONValue {
        var object = incident.jsonValue.objectValue ?? [:]
        object["ref"] = .string(ref(incident))
        object["rules"] = .array(Array(Set(deliveries.map(\.delivery.alert.rule))).sorted().map(JSONValue.string))
        object["deliveries"] = .array(deliveries.sorted { $0.delivery.id < $1.delivery.id }.map { entry in
            .object([
                "sink": .string(entry.delivery.sink), "rule": .string(entry.delivery.alert.rule),
                "status": .string(entry.status), "attempts": .number(Double(entry.delivery.attempts)),
                "last_error": entry.delivery.lastError.map { .string(redact($0)) } ?? .null,
            ])
        })
        return .object(object)
    }

    static func alerts(_ store: any StateStoring, status: String?, limit: Int) throws(StoreError) -> JSONValue {
        let rows = try store.recentOutbox(status: status, limit: limit)
        let counts = try store.outboxCounts()
        return .object([
            "alerts": .array(rows.map(alertJSON)),
            "counts": .object(["pending": .number(Double(counts.pending)), "delivered": .number(Double(counts.delivered)),
                               "dead": .number(Double(counts.dead)), "silenced": .number(Double(counts.silenced)),
                               "held": .number(Double(counts.held))]),
        ])
    }

    /// One outbox row. No sink URL or secret is part of a row; error texts have URLs redacted
    /// all the same (a sink's error could quote its webhook URL).
    static func alertJSON(_ entry: OutboxEntry) -> JSONValue {
        let delivery = entry.delivery
        return .object([
            "id": .number(Double(delivery.id)), "alert_id": .string(delivery.alert.id), "rule": .string(delivery.alert.rule),
            "severity": .string(delivery.alert.severity.rawValue), "sink": .string(delivery.sink), "status": .string(entry.status),
            "attempts": .number(Double(delivery.attempts)), "fired_at": .string(Incident.formatDate(delivery.alert.firedAt)),
            "next_attempt": entry.status == "pending" ? .string(Incident.formatDate(delivery.nextAttempt)) : .null,
            "finished_at": entry.finishedAt.map { .string(Incident.formatDate($0)) } ?? .null,
            "reason": delivery.lastError.map { .string(redact($0)) } ?? .null,
            "incident": .object(["ref": .string(ref(delivery.alert.incident)), "name": .string(delivery.alert.incident.name),
                                 "source": .string(delivery.alert.incident.source)]),
        ])
    }

    /// A feed's health: `ok`, `failing` (its last poll failed), `stale` (no success within
    /// `feed_stale_after`), `never polled`.
    static func health(_ feed: WebFeed, _ state: FeedState?, now: Date) -> String {
        guard let state, state.polls > 0 else { return "never polled" }
        if state.consecutiveFailures > 0 { return "failing" }
        if let last = state.lastSuccess, now.timeIntervalSince(last) > max(feed.staleAfter, feed.interval * 2) { return "stale" }
        return "ok"
    }

    static func feeds(_ store: any StateStoring, feeds: [WebFeed]) throws(StoreError) -> JSONValue {
        let states = Dictionary(try store.allFeedStates().map { ($0.feed, $0) }, uniquingKeysWith: { a, _ in a })
        let now = Date()
        func date(_ value: Date?) -> JSONValue { value.map { .string(Incident.formatDate($0)) } ?? .null }
        return .object(["feeds": .array(feeds.map { feed in
            let state = states[feed.name]
            return .object([
                "name": .string(feed.name), "url": .string(feed.url), "format": .string(feed.format),
                "interval_seconds": .number(feed.interval), "health": .string(health(feed, state, now: now)),
                "polls": .number(Double(state?.polls ?? 0)), "failures": .number(Double(state?.failures ?? 0)),
                "consecutive_failures": .number(Double(state?.consecutiveFailures ?? 0)),
                "last_poll": date(state?.lastAttempt), "last_success": date(state?.lastSuccess),
                "lag_seconds": state?.lastSuccess.map { .number((now.timeIntervalSince($0) * 1000).rounded() / 1000) } ?? .null,
                "last_error": state?.lastError.map { .string(redact($0)) } ?? .null,
            ])
        })])
    }

    static func redact(_ text: String) -> String { URLRedaction.redactURLs(in: text) }
}
