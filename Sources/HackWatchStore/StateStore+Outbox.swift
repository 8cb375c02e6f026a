import Foundation
import HackWatchModel

extension StateStore {
    /// Records newly fired alerts and their outbox rows in ONE transaction, before anything is
    /// sent: a crash either keeps both (the outbox resumes the sends) or neither (the next
    /// evaluation fires again). Alerts whose (incident, rule) pair already fired are skipped.
    /// Returns the alerts newly recorded, in input order.
    package func recordFiring(_ alerts: [(alert: Alert, sinks: [String])]) throws(StoreError) -> [Alert] {
        guard !alerts.isEmpty else { return [] }
        // Serialised outside the lock, as in `recordStories`: the senders mark deliveries under it.
        let payloads = alerts.map { $0.alert.storedJSON.serialized() }
        return try locked { () throws(StoreError) in
            try db.transaction { () throws(StoreError) in
                var recorded: [Alert] = []
                for ((alert, sinks), payload) in zip(alerts, payloads) {
                    try insertFired(alert.id, incident: alert.incident, rule: alert.rule, at: alert.firedAt)
                    guard db.changes == 1 else { continue }
                    try insertOutbox(alert, sinks: sinks, payload: payload)
                    recorded.append(alert)
                }
                return recorded
            }
        }
    }

    /// True when this alert id (an (incident, rule) pair) has fired before.
    package func hasFired(alertID: String) throws(StoreError) -> Bool {
        try locked { () throws(StoreError) in
            var found = false
            try db.query("SELECT 1 FROM fired WHERE alert_id = ?", [.text(alertID)]) { _ in found = true }
            return found
        }
    }

    /// How many (incident, rule) pairs have fired.
    package func firedCount() throws(StoreError) -> Int {
        try count("SELECT COUNT(*) FROM fired")
    }

    /// Pending deliveries whose next attempt is due at `now`, oldest first; with `afterID`, only
    /// those with a greater id (paging through one drain).
    package func dueDeliveries(now: Date, afterID: Int64, limit: Int) throws(StoreError) -> [Delivery] {
        try deliveries(where: "status = 'pending' AND next_attempt <= ? AND id > ?", [.date(now), .integer(afterID)],
                       order: "id", limit: limit)
    }

    /// Pending deliveries, due or not, oldest first.
    package func pendingDeliveries(limit: Int) throws(StoreError) -> [Delivery] {
        try deliveries(where: "status = 'pending'", [], order: "id", limit: limit)
    }

    /// The most recent dead deliveries, newest first (for `status`).
    package func deadDeliveries(limit: Int) throws(StoreError) -> [Delivery] {
        try deliveries(where: "status = 'dead'", [], order: "id DESC", limit: limit)
    }

    /// The earliest next attempt of each sink's pending (or held) deliveries.
    package func pendingSchedule() throws(StoreError) -> [String: Date] {
        try locked { () throws(StoreError) in
            var schedule: [String: Date] = [:]
            // Held rows too: the worker wakes when a hold window ends.
            try db.query("SELECT sink, MIN(next_attempt) FROM outbox WHERE status IN ('pending', 'held') GROUP BY sink") { row in
                schedule[row.string(0) ?? ""] = row.date(1)
            }
            return schedule
        }
    }

    /// Marks a delivery acknowledged (after a 2xx or a completed local write).
    package func markDelivered(_ id: Int64) throws(StoreError) {
        try update("UPDATE outbox SET status = 'delivered', attempts = attempts + 1, finished_at = ?, last_error = NULL WHERE id = ?",
                   [.date(Date()), .integer(id)])
    }

    /// Records a failed attempt and when to try again.
    package func scheduleRetry(_ id: Int64, attempts: Int, next: Date, error: String) throws(StoreError) {
        try update("UPDATE outbox SET attempts = ?, next_attempt = ?, last_error = ? WHERE id = ? AND status = 'pending'",
                   [.integer(Int64(attempts)), .date(next), .text(error), .integer(id)])
    }

    /// Gives up on a delivery; the row stays, with its reason, for `status`.
    package func markDead(_ id: Int64, error: String) throws(StoreError) {
        try update("UPDATE outbox SET status = 'dead', attempts = attempts + 1, finished_at = ?, last_error = ? WHERE id = ?",
                   [.date(Date()), .text(error), .integer(id)])
    }

    /// Rows by state.
    package func outboxCounts() throws(StoreError) -> OutboxCounts {
        try locked { () throws(StoreError) in
            var counts = OutboxCounts()
            try db.query("SELECT status, COUNT(*) FROM outbox GROUP BY status") { row in
                counts.add(status: row.string(0) ?? "", count: Int(row.int(1)))
            }
            return counts
        }
    }

    /// Deletes delivered rows finished before `date` (fired pairs are kept forever: they are
    /// what prevents re-alerting). Returns how many rows went.
    @discardableResult
    package func pruneDelivered(before date: Date) throws(StoreError) -> Int {
        try locked { () throws(StoreError) in
            try db.query("DELETE FROM outbox WHERE status = 'delivered' AND finished_at < ?", [.date(date)])
            return db.changes
        }
    }

    private func update(_ sql: String, _ values: [SQLiteValue]) throws(StoreError) {
        try locked { () throws(StoreError) in try db.query(sql, values) }
    }

    /// Rows whose payload no longer decodes (hand-edited, or from a broken build) are marked
    /// dead with the reason instead of blocking the outbox forever. The payloads are decoded
    /// after the lock is released: a 500-row batch of JSON held up the ingest's saves (and they
    /// the senders) for as long as it took.
    private func deliveries(where condition: String, _ values: [SQLiteValue], order: String,
                            limit: Int) throws(StoreError) -> [Delivery] {
        let rows = try locked { () throws(StoreError) in
            var rows: [(id: Int64, payload: String, sink: String, attempts: Int, next: Date, lastError: String?,
                        created: Date, heldUntil: Date?)] = []
            try db.query("""
                SELECT id, payload, sink, attempts, next_attempt, last_error, created_at, \(fileVersion >= 3 ? "held_until" : "NULL") FROM outbox
                WHERE \(condition) ORDER BY \(order) LIMIT ?
                """, values + [.integer(Int64(max(0, limit)))]) { (row: SQLiteRow) throws(StoreError) in
                rows.append((row.int(0), row.string(1) ?? "", row.string(2) ?? "", Int(row.int(3)), row.date(4) ?? Date(),
                             row.string(5), row.date(6) ?? Date(), row.date(7)))
            }
            return rows
        }
        var result: [Delivery] = []
        result.reserveCapacity(rows.count)
        var corrupt: [(Int64, String)] = []
        for row in rows {
            do throws(StoreError) {
                let json: JSONValue
                do throws(JSONParseError) { json = try JSONValue.parse(row.payload) } catch {
                    throw .corruptRow(table: "outbox", detail: error.description)
                }
                var delivery = Delivery(id: row.id, alert: try Alert(stored: json), sink: row.sink, attempts: row.attempts,
                                        nextAttempt: row.next, lastError: row.lastError, createdAt: row.created)
                delivery.heldUntil = row.heldUntil
                result.append(delivery)
            } catch {
                corrupt.append((row.id, error.description))
            }
        }
        guard !corrupt.isEmpty else { return result }
        try locked { () throws(StoreError) in
            for (id, reason) in corrupt {
                try db.query("UPDATE outbox SET status = 'dead', finished_at = ?, last_error = ? WHERE id = ? AND status = 'pending'",
                             [.date(Date()), .text(reason), .integer(id)])
            }
        }
        return result
    }
}
