import Foundation
import HackWatchModel
import HackWatchStore

/// What `migrate-from-sqlite` copied.
package struct ImportCounts: Sendable, Hashable {
    package var incidents = 0, feeds = 0, fired = 0, outbox = 0, stories = 0, threads = 0
}

extension PostgresStore {
    /// Copies a whole SQLite state into this (empty) database in ONE fenced transaction, under
    /// a lease of its own: refused while an instance leads (stop them all first) or when the
    /// database already holds incidents or fired alerts (a second copy would mix two histories).
    /// The lease is ended afterwards, so the first instance to start leads at once.
    package func importState(_ export: StoreExport) throws(StoreError) -> ImportCounts {
        if case .standby(let current) = try acquireLease() {
            throw .notLeader(detail: "instance \(current.holder) leads this database (epoch \(current.epoch)); stop every hackwatch using it first")
        }
        defer { try? releaseLease() }
        return try fenced { (db, epoch) throws(StoreError) -> ImportCounts in
            var existing = 0
            try db.query("SELECT (SELECT count(*) FROM incidents) + (SELECT count(*) FROM fired)") { row in existing = Int(row.int(0)) }
            guard existing == 0 else {
                throw StoreError.notLeader(detail: "the database already holds hackwatch state (\(existing) incidents and fired alerts); migrate into an empty one")
            }
            var counts = ImportCounts()
            for row in export.incidents {
                try db.query("INSERT INTO incidents (source, id, date, seen_at, payload, epoch) VALUES ($1, $2, $3, $4, $5, $6)",
                             [.text(row.source), .text(row.id), .optional(row.date), .date(row.seenAt), .text(row.payload), .integer(epoch)])
                counts.incidents += 1
            }
            for state in export.feedStates {
                try Self.upsertFeedState(state, epoch: epoch, db: db)
                counts.feeds += 1
            }
            for row in export.fired {
                try db.query("""
                    INSERT INTO fired (alert_id, incident_source, incident_id, rule, fired_at, epoch) VALUES ($1, $2, $3, $4, $5, $6)
                    ON CONFLICT (alert_id) DO NOTHING
                    """, [.text(row.alertID), .text(row.source), .text(row.id), .text(row.rule), .date(row.firedAt), .integer(epoch)])
                counts.fired += 1
            }
            for row in export.outbox {
                try db.query("""
                    INSERT INTO outbox (alert_id, sink, payload, status, attempts, next_attempt, last_error, created_at, finished_at, epoch)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (alert_id, sink) DO NOTHING
                    """, [.text(row.alertID), .text(row.sink), .text(row.payload), .text(row.status), .integer(Int64(row.attempts)),
                          .date(row.nextAttempt), .optional(row.lastError), .date(row.createdAt), .optional(row.finishedAt), .integer(epoch)])
                counts.outbox += 1
            }
            for row in export.stories {
                try db.query("""
                    INSERT INTO stories (story, incident_source, incident_id, revision, snapshot, rules, started_at, headline)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (story) DO NOTHING
                    """, [.text(row.story), .text(row.source), .text(row.id), .integer(Int64(row.revision)), .text(row.snapshot),
                          .text(row.rules), .date(row.startedAt), .text(row.headline)])
                counts.stories += 1
            }
            for row in export.threads {
                try db.query("INSERT INTO threads (story, sink, reference) VALUES ($1, $2, $3) ON CONFLICT (story, sink) DO NOTHING",
                             [.text(row.story), .text(row.sink), .text(row.reference)])
                counts.threads += 1
            }
            return counts
        }
    }
}
