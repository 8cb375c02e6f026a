import Foundation
import HackWatchModel

/// One outbox row with its state, for the HTTP API and status page.
package struct OutboxEntry: Sendable {
    /// The row: alert, sink, attempts, last error.
    package var delivery: Delivery
    /// `pending`, `delivered`, `dead`, `silenced` or `held`.
    package var status: String
    /// For `silenced` and `held` rows: the silence id, or `window:NAME` for a mute window.
    package var silenceID: String?
    /// When it was delivered or given up, if it was.
    package var finishedAt: Date?

    package init(delivery: Delivery, status: String, finishedAt: Date?) {
        self.delivery = delivery
        self.status = status
        self.finishedAt = finishedAt
    }
}

extension StateStore {
    /// The newest outbox rows of any state, newest first; `status` narrows to one state.
    /// Rows whose payload does not decode are left out (the worker marks them dead).
    package func recentOutbox(status: String? = nil, limit: Int) throws(StoreError) -> [OutboxEntry] {
        try locked { () throws(StoreError) in
            var result: [OutboxEntry] = []
            let filter = status == nil ? "" : "WHERE status = ?"
            let values: [SQLiteValue] = (status.map { [SQLiteValue.text($0)] } ?? []) + [.integer(Int64(max(0, limit)))]
            try db.query("""
                SELECT id, payload, sink, attempts, next_attempt, last_error, created_at, status, finished_at, \(fileVersion >= 3 ? "silence_id" : "NULL") FROM outbox
                \(filter) ORDER BY id DESC LIMIT ?
                """, values) { (row: SQLiteRow) throws(StoreError) in
                guard let json = try? JSONValue.parse(row.string(1) ?? ""), let alert = try? Alert(stored: json) else { return }
                let delivery = Delivery(id: row.int(0), alert: alert, sink: row.string(2) ?? "", attempts: Int(row.int(3)),
                                        nextAttempt: row.date(4) ?? Date(), lastError: row.string(5), createdAt: row.date(6) ?? Date())
                var entry = OutboxEntry(delivery: delivery, status: row.string(7) ?? "", finishedAt: row.date(8))
                entry.silenceID = row.string(9)
                result.append(entry)
            }
            return result
        }
    }
}
