import Foundation
import HackWatchModel
import HackWatchStore

extension PostgresStore {
    /// Records newly fired alerts and their outbox rows in ONE fenced transaction; pairs that
    /// fired before are skipped. Returns the alerts newly recorded, in input order.
    package func recordFiring(_ alerts: [(alert: Alert, sinks: [String])]) throws(StoreError) -> [Alert] {
        guard !alerts.isEmpty else { return [] }
        return try fenced { (db, epoch) throws(StoreError) in
            var recorded: [Alert] = []
            for (alert, sinks) in alerts {
                guard try Self.insertFired(alert.id, incident: alert.incident, rule: alert.rule, at: alert.firedAt, epoch: epoch, db: db) else {
                    continue
                }
                try Self.insertOutbox(alert, sinks: sinks, epoch: epoch, db: db)
                recorded.append(alert)
            }
            return recorded
        }
    }

    /// Records the pair as fired; false when it already was.
    static func insertFired(_ pairID: String, incident: Incident, rule: String, at date: Date, epoch: Int64,
                            db: PGConnection) throws(StoreError) -> Bool {
        try db.query("""
            INSERT INTO fired (alert_id, incident_source, incident_id, rule, fired_at, epoch) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (alert_id) DO NOTHING
            """, [.text(pairID), .text(incident.source), .text(incident.id), .text(rule), .date(date), .integer(epoch)]) == 1
    }

    /// One outbox row per sink for `alert`.
    static func insertOutbox(_ alert: Alert, sinks: [String], epoch: Int64, db: PGConnection) throws(StoreError) {
        let payload = alert.storedJSON.serialized()
        for sink in Set(sinks).sorted() {
            try db.query("""
                INSERT INTO outbox (alert_id, sink, payload, next_attempt, created_at, epoch) VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (alert_id, sink) DO NOTHING
                """, [.text(alert.id), .text(sink), .text(payload), .date(alert.firedAt), .date(Date()), .integer(epoch)])
        }
    }

    /// True when this alert id has fired before.
    package func hasFired(alertID: String) throws(StoreError) -> Bool {
        try count("SELECT COUNT(*) FROM fired WHERE alert_id = $1", [.text(alertID)]) > 0
    }

    /// How many (incident, rule) pairs have fired.
    package func firedCount() throws(StoreError) -> Int {
        try count("SELECT COUNT(*) FROM fired")
    }

    /// CLAIMS the pending deliveries due at `now` (ids above `afterID`, oldest first) for this
    /// term: `FOR UPDATE SKIP LOCKED`, then `sending` under this epoch, in one fenced
    /// transaction. A row claimed and not finished (deferred) stays this term's and is offered
    /// again; a new term returns it to `pending`.
    package func dueDeliveries(now: Date, afterID: Int64, limit: Int) throws(StoreError) -> [Delivery] {
        try fenced { (db, epoch) throws(StoreError) in
            var rows: [(Int64, String, String, Int, Date?, String?, Date?)] = []
            try db.query("""
                WITH due AS (
                    SELECT id FROM outbox
                    WHERE (status = 'pending' OR (status = 'sending' AND claim_epoch = $1)) AND next_attempt <= $2 AND id > $3
                    ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED)
                UPDATE outbox o SET status = 'sending', claim_epoch = $1 FROM due WHERE o.id = due.id
                RETURNING o.id, o.payload, o.sink, o.attempts, o.next_attempt, o.last_error, o.created_at
                """, [.integer(epoch), .date(now), .integer(afterID), .integer(Int64(max(0, limit)))]) { row in
                rows.append((row.int(0), row.string(1) ?? "", row.string(2) ?? "", Int(row.int(3)), row.date(4), row.string(5), row.date(6)))
            }
            var result: [Delivery] = []
            for (id, payload, sink, attempts, next, lastError, created) in rows.sorted(by: { $0.0 < $1.0 }) {
                do throws(StoreError) {
                    let alert = try Self.decodeAlert(payload)
                    result.append(Delivery(id: id, alert: alert, sink: sink, attempts: attempts, nextAttempt: next ?? Date(),
                                           lastError: lastError, createdAt: created ?? Date()))
                } catch {
                    // A payload that no longer decodes is given up with the reason, not retried forever.
                    try db.query("""
                        UPDATE outbox SET status = 'dead', finished_at = $1, last_error = $2, finished_epoch = $3 WHERE id = $4
                        """, [.date(Date()), .text(error.description), .integer(epoch), .integer(id)])
                }
            }
            return result
        }
    }

    static func decodeAlert(_ payload: String) throws(StoreError) -> Alert {
        let json: JSONValue
        do throws(JSONParseError) { json = try JSONValue.parse(payload) } catch {
            throw .corruptRow(table: "outbox", detail: error.description)
        }
        return try Alert(stored: json)
    }

    /// Pending deliveries (claimed ones included), due or not, oldest first.
    package func pendingDeliveries(limit: Int) throws(StoreError) -> [Delivery] {
        try deliveries(where: "status IN ('pending', 'sending')", order: "id", limit: limit)
    }

    /// The most recent dead deliveries, newest first.
    package func deadDeliveries(limit: Int) throws(StoreError) -> [Delivery] {
        try deliveries(where: "status = 'dead'", order: "id DESC", limit: limit)
    }

    private func deliveries(where condition: String, order: String, limit: Int) throws(StoreError) -> [Delivery] {
        try recentRows(where: condition, order: order, limit: limit).map(\.delivery)
    }

    /// The earliest next attempt of each sink's pending deliveries.
    package func pendingSchedule() throws(StoreError) -> [String: Date] {
        try locked { (db) throws(StoreError) in
            var schedule: [String: Date] = [:]
            try db.query("SELECT sink, MIN(next_attempt) FROM outbox WHERE status IN ('pending', 'sending') GROUP BY sink") { row in
                schedule[row.string(0) ?? ""] = row.date(1)
            }
            return schedule
        }
    }

    /// Marks a delivery acknowledged (fenced).
    package func markDelivered(_ id: Int64) throws(StoreError) {
        try fenced { (db, epoch) throws(StoreError) in try Self.delivered(id, epoch: epoch, db: db) }
    }

    static func delivered(_ id: Int64, epoch: Int64, db: PGConnection) throws(StoreError) {
        try db.query("""
            UPDATE outbox SET status = 'delivered', attempts = attempts + 1, finished_at = $1, last_error = NULL, finished_epoch = $2
            WHERE id = $3
            """, [.date(Date()), .integer(epoch), .integer(id)])
    }

    /// Records a failed attempt and when to try again (fenced); the row is pending again.
    package func scheduleRetry(_ id: Int64, attempts: Int, next: Date, error: String) throws(StoreError) {
        _ = try fenced { (db, _) throws(StoreError) in
            try db.query("""
                UPDATE outbox SET status = 'pending', claim_epoch = NULL, attempts = $1, next_attempt = $2, last_error = $3
                WHERE id = $4 AND status IN ('pending', 'sending')
                """, [.integer(Int64(attempts)), .date(next), .text(error), .integer(id)])
        }
    }

    /// Gives up on a delivery (fenced); the row stays, with its reason.
    package func markDead(_ id: Int64, error: String) throws(StoreError) {
        _ = try fenced { (db, epoch) throws(StoreError) in
            try db.query("""
                UPDATE outbox SET status = 'dead', attempts = attempts + 1, finished_at = $1, last_error = $2, finished_epoch = $3
                WHERE id = $4
                """, [.date(Date()), .text(error), .integer(epoch), .integer(id)])
        }
    }

    /// Rows by state (`sending` counts as pending).
    package func outboxCounts() throws(StoreError) -> OutboxCounts {
        try locked { (db) throws(StoreError) in
            var counts = OutboxCounts()
            try db.query("SELECT status, COUNT(*) FROM outbox GROUP BY status") { row in
                let n = Int(row.int(1))
                switch row.string(0) {
                case "pending", "sending": counts.pending += n
                case "delivered": counts.delivered = n
                case "dead": counts.dead = n
                default: break
                }
            }
            return counts
        }
    }

    /// Deletes delivered rows finished before `date` (fenced); returns how many.
    @discardableResult
    package func pruneDelivered(before date: Date) throws(StoreError) -> Int {
        try fenced { (db, _) throws(StoreError) in
            try db.query("DELETE FROM outbox WHERE status = 'delivered' AND finished_at < $1", [.date(date)])
        }
    }

    /// The newest outbox rows, newest first; `status` narrows to one state (`sending` shows as
    /// `pending`). Rows whose payload does not decode are left out.
    package func recentOutbox(status: String?, limit: Int) throws(StoreError) -> [OutboxEntry] {
        let condition: String
        switch status {
        case nil: condition = "TRUE"
        case "pending": condition = "status IN ('pending', 'sending')"
        case let other?: condition = "status = '\(other.replacingOccurrences(of: "'", with: "''"))'"
        }
        return try recentRows(where: condition, order: "id DESC", limit: limit)
    }

    private func recentRows(where condition: String, order: String, limit: Int) throws(StoreError) -> [OutboxEntry] {
        try locked { (db) throws(StoreError) in
            var result: [OutboxEntry] = []
            try db.query("""
                SELECT id, payload, sink, attempts, next_attempt, last_error, created_at, status, finished_at FROM outbox
                WHERE \(condition) ORDER BY \(order) LIMIT $1
                """, [.integer(Int64(max(0, limit)))]) { row in
                guard let alert = try? Self.decodeAlert(row.string(1) ?? "") else { return }
                let delivery = Delivery(id: row.int(0), alert: alert, sink: row.string(2) ?? "", attempts: Int(row.int(3)),
                                        nextAttempt: row.date(4) ?? Date(), lastError: row.string(5), createdAt: row.date(6) ?? Date())
                let state = row.string(7) == "sending" ? "pending" : row.string(7) ?? ""
                result.append(OutboxEntry(delivery: delivery, status: state, finishedAt: row.date(8)))
            }
            return result
        }
    }
}
