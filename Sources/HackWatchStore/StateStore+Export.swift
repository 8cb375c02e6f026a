import Foundation
import HackWatchModel

/// Every row of a state database, as stored (payloads in their JSON text), for
/// `hackwatch store migrate-from-sqlite`: another backend imports it without re-alerting.
package struct StoreExport: Sendable {
    /// One `incidents` row.
    package struct IncidentRow: Sendable { package var source, id: String; package var date: Date?; package var seenAt: Date; package var payload: String }
    /// One `fired` row.
    package struct FiredRow: Sendable { package var alertID, source, id, rule: String; package var firedAt: Date }
    /// One `outbox` row.
    package struct OutboxRow: Sendable {
        package var alertID, sink, payload, status: String
        package var attempts: Int
        package var nextAttempt: Date
        package var lastError: String?
        package var createdAt: Date
        package var finishedAt: Date?
    }
    /// One `stories` row.
    package struct StoryRow: Sendable {
        package var story, source, id: String
        package var revision: Int
        package var snapshot, rules: String
        package var startedAt: Date
        package var headline: String
    }
    /// One `threads` row.
    package struct ThreadRow: Sendable { package var story, sink, reference: String }

    package var incidents: [IncidentRow] = []
    package var feedStates: [FeedState] = []
    package var fired: [FiredRow] = []
    package var outbox: [OutboxRow] = []
    package var stories: [StoryRow] = []
    package var threads: [ThreadRow] = []
}

extension StateStore {
    /// Reads every row (outbox in firing order), in one read transaction.
    package func exportAll() throws(StoreError) -> StoreExport {
        var export = StoreExport()
        export.feedStates = try allFeedStates()
        try locked { () throws(StoreError) in
            try db.query("SELECT source, id, date, seen_at, payload FROM incidents ORDER BY source, id") { row in
                export.incidents.append(.init(source: row.string(0) ?? "", id: row.string(1) ?? "", date: row.date(2),
                                              seenAt: row.date(3) ?? Date(), payload: row.string(4) ?? ""))
            }
            try db.query("SELECT alert_id, incident_source, incident_id, rule, fired_at FROM fired ORDER BY fired_at, alert_id") { row in
                export.fired.append(.init(alertID: row.string(0) ?? "", source: row.string(1) ?? "", id: row.string(2) ?? "",
                                          rule: row.string(3) ?? "", firedAt: row.date(4) ?? Date()))
            }
            try db.query("""
                SELECT alert_id, sink, payload, status, attempts, next_attempt, last_error, created_at, finished_at FROM outbox ORDER BY id
                """) { row in
                export.outbox.append(.init(alertID: row.string(0) ?? "", sink: row.string(1) ?? "", payload: row.string(2) ?? "",
                                           status: row.string(3) ?? "pending", attempts: Int(row.int(4)), nextAttempt: row.date(5) ?? Date(),
                                           lastError: row.string(6), createdAt: row.date(7) ?? Date(), finishedAt: row.date(8)))
            }
            try db.query("SELECT story, incident_source, incident_id, revision, snapshot, rules, started_at, headline FROM stories") { row in
                export.stories.append(.init(story: row.string(0) ?? "", source: row.string(1) ?? "", id: row.string(2) ?? "",
                                            revision: Int(row.int(3)), snapshot: row.string(4) ?? "", rules: row.string(5) ?? "[]",
                                            startedAt: row.date(6) ?? Date(), headline: row.string(7) ?? ""))
            }
            try db.query("SELECT story, sink, reference FROM threads") { row in
                export.threads.append(.init(story: row.string(0) ?? "", sink: row.string(1) ?? "", reference: row.string(2) ?? ""))
            }
        }
        return export
    }
}
