import Foundation
import HackWatchModel

/// A silence (`hackwatch silence add`): alerts whose incident matches `match` (a rule-language
/// condition) are recorded as silenced instead of delivered while it is active.
package struct StoredSilence: Sendable, Hashable {
    /// A random id (UUID, lowercase).
    package var id: String
    /// The condition as the user wrote it (compiled by whoever applies the silence).
    package var match: String
    /// Only deliveries to this sink are silenced; nil: every sink.
    package var sink: String?
    /// Why (required by the CLI, shown by `silence list` and `status`).
    package var comment: String
    /// Who added it (`$USER` of the adding shell).
    package var createdBy: String
    package var createdAt: Date
    /// Active from here …
    package var startsAt: Date
    /// … until here (`silence expire` sets it to the moment of expiry).
    package var endsAt: Date

    package init(id: String, match: String, sink: String?, comment: String, createdBy: String, createdAt: Date,
                startsAt: Date, endsAt: Date) {
        self.id = id
        self.match = match
        self.sink = sink
        self.comment = comment
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.startsAt = startsAt
        self.endsAt = endsAt
    }

    /// Whether the silence applies at `now`.
    package func isActive(at now: Date) -> Bool { startsAt <= now && now < endsAt }
}

/// Per sink, the outbox rows by state and the newest error, for `status`.
package struct SinkOutboxSummary: Sendable, Hashable {
    package var sink: String
    package var counts: OutboxCounts
    /// The last error recorded on any of its rows (a failed attempt or why one went dead).
    package var lastError: String?

    package init(sink: String, counts: OutboxCounts = OutboxCounts(), lastError: String? = nil) {
        self.sink = sink
        self.counts = counts
        self.lastError = lastError
    }
}

extension StateStore {
    /// Schema 3: the outbox gains the states `silenced` (a silence or a mute window matched:
    /// recorded, not sent; `silence_id` says which) and `held` (a hold window: sent when it ends,
    /// `held_until`), and silences get their table. SQLite cannot alter a CHECK, so the outbox is
    /// rebuilt with every row kept.
    static let schemaV3 = """
        CREATE TABLE outbox_v3 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            alert_id TEXT NOT NULL,
            sink TEXT NOT NULL,
            payload TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead', 'silenced', 'held')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt REAL NOT NULL,
            last_error TEXT,
            created_at REAL NOT NULL,
            finished_at REAL,
            silence_id TEXT,
            held_until REAL,
            UNIQUE (alert_id, sink)
        );
        INSERT INTO outbox_v3 (id, alert_id, sink, payload, status, attempts, next_attempt, last_error, created_at, finished_at)
            SELECT id, alert_id, sink, payload, status, attempts, next_attempt, last_error, created_at, finished_at FROM outbox;
        DROP TABLE outbox;
        ALTER TABLE outbox_v3 RENAME TO outbox;
        CREATE INDEX IF NOT EXISTS outbox_due ON outbox(status, next_attempt);
        CREATE TABLE IF NOT EXISTS silences (
            id TEXT PRIMARY KEY,
            match TEXT NOT NULL,
            sink TEXT,
            comment TEXT NOT NULL,
            created_by TEXT NOT NULL,
            created_at REAL NOT NULL,
            starts_at REAL NOT NULL,
            ends_at REAL NOT NULL
        );
        """

    /// Stores a new silence.
    package func addSilence(_ silence: StoredSilence) throws(StoreError) {
        try locked { () throws(StoreError) in
            try db.query("""
                INSERT INTO silences (id, match, sink, comment, created_by, created_at, starts_at, ends_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(silence.id), .text(silence.match), .optional(silence.sink), .text(silence.comment),
                      .text(silence.createdBy), .date(silence.createdAt), .date(silence.startsAt), .date(silence.endsAt)])
        }
    }

    /// Silences active at `now`, or with `includeExpired` every one; newest first.
    package func silences(activeAt now: Date, includeExpired: Bool) throws(StoreError) -> [StoredSilence] {
        guard fileVersion >= 3 else { return [] }  // an older file opened read-only: no silences yet
        return try locked { () throws(StoreError) in
            var result: [StoredSilence] = []
            let filter = includeExpired ? "" : "WHERE starts_at <= ? AND ends_at > ?"
            let values: [SQLiteValue] = includeExpired ? [] : [.date(now), .date(now)]
            try db.query("""
                SELECT id, match, sink, comment, created_by, created_at, starts_at, ends_at FROM silences
                \(filter) ORDER BY created_at DESC, id
                """, values) { row in
                result.append(StoredSilence(
                    id: row.string(0) ?? "", match: row.string(1) ?? "", sink: row.string(2), comment: row.string(3) ?? "",
                    createdBy: row.string(4) ?? "", createdAt: row.date(5) ?? now, startsAt: row.date(6) ?? now,
                    endsAt: row.date(7) ?? now))
            }
            return result
        }
    }

    /// Ends the silence `id` at `now` (one already ended keeps its end). With `release`, the
    /// deliveries it silenced become pending again, due at once; returns how many.
    package func expireSilence(_ id: String, at now: Date, release: Bool) throws(StoreError) -> Int {
        try locked { () throws(StoreError) in
            try db.transaction { () throws(StoreError) in
                try db.query("UPDATE silences SET ends_at = ? WHERE id = ? AND ends_at > ?", [.date(now), .text(id), .date(now)])
                guard release else { return 0 }
                // held_until restarts the give-up window: the row has not failed, it was kept back.
                try db.query("""
                    UPDATE outbox SET status = 'pending', next_attempt = ?, held_until = ?, finished_at = NULL
                    WHERE status = 'silenced' AND silence_id = ?
                    """, [.date(now), .date(now), .text(id)])
                return db.changes
            }
        }
    }

    /// Records a delivery as silenced by `silence` (a silence id, or `window:NAME` for a mute
    /// window): kept in the outbox history, never sent.
    package func markSilenced(_ id: Int64, silence: String) throws(StoreError) {
        try locked { () throws(StoreError) in
            try db.query("UPDATE outbox SET status = 'silenced', silence_id = ?, finished_at = ? WHERE id = ? AND status = 'pending'",
                         [.text(silence), .date(Date()), .integer(id)])
        }
    }

    /// Holds a pending delivery until `until` (a hold window's end), when `releaseHeld` makes it
    /// pending again.
    package func markHeld(_ id: Int64, until: Date, window: String) throws(StoreError) {
        try locked { () throws(StoreError) in
            try db.query("""
                UPDATE outbox SET status = 'held', next_attempt = ?, held_until = ?, silence_id = ?
                WHERE id = ? AND status = 'pending'
                """, [.date(until), .date(until), .text("window:\(window)"), .integer(id)])
        }
    }

    /// Held deliveries whose window has ended by `now` become pending (due at once); returns how many.
    @discardableResult
    package func releaseHeld(now: Date) throws(StoreError) -> Int {
        try locked { () throws(StoreError) in
            // Called at every drain: look first (a read, on the outbox_due index), so a drain with
            // nothing held takes no write lock.
            var due = false
            try db.query("SELECT 1 FROM outbox WHERE status = 'held' AND next_attempt <= ? LIMIT 1", [.date(now)]) { _ in due = true }
            guard due else { return 0 }
            try db.query("UPDATE outbox SET status = 'pending', next_attempt = ? WHERE status = 'held' AND next_attempt <= ?",
                         [.date(now), .date(now)])
            return db.changes
        }
    }

    /// Per sink (every sink with outbox rows), rows by state and the newest error.
    package func sinkOutboxSummaries() throws(StoreError) -> [SinkOutboxSummary] {
        try locked { () throws(StoreError) in
            var summaries: [String: SinkOutboxSummary] = [:]
            try db.query("SELECT sink, status, COUNT(*) FROM outbox GROUP BY sink, status") { row in
                let sink = row.string(0) ?? ""
                var summary = summaries[sink] ?? SinkOutboxSummary(sink: sink)
                summary.counts.add(status: row.string(1) ?? "", count: Int(row.int(2)))
                summaries[sink] = summary
            }
            try db.query("""
                SELECT sink, last_error FROM outbox WHERE id IN
                    (SELECT MAX(id) FROM outbox WHERE last_error IS NOT NULL GROUP BY sink)
                """) { row in
                summaries[row.string(0) ?? ""]?.lastError = row.string(1)
            }
            return summaries.values.sorted { $0.sink < $1.sink }
        }
    }
}

extension OutboxCounts {
    /// Adds `count` rows of state `status` (unknown states are ignored).
    mutating func add(status: String, count: Int) {
        switch status {
        case "pending": pending += count
        case "delivered": delivered += count
        case "dead": dead += count
        case "silenced": silenced += count
        case "held": held += count
        default: break
        }
    }
}
