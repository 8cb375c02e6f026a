import Foundation
import HackWatchStore

/// Silences and mute windows are not on the PostgreSQL store yet: nothing is silenced or held
/// there (reads answer empty), and the calls that would record one throw `.unsupported`.
extension PostgresStore {
    private static let backend = "PostgreSQL"

    /// Not supported yet.
    package func addSilence(_ silence: StoredSilence) throws(StoreError) {
        throw .unsupported(operation: "silences", backend: Self.backend)
    }

    /// No silences are stored here: none is active.
    package func silences(activeAt now: Date, includeExpired: Bool) throws(StoreError) -> [StoredSilence] { [] }

    /// Not supported yet.
    package func expireSilence(_ id: String, at now: Date, release: Bool) throws(StoreError) -> Int {
        throw .unsupported(operation: "silences", backend: Self.backend)
    }

    /// Not supported yet.
    package func markSilenced(_ id: Int64, silence: String) throws(StoreError) {
        throw .unsupported(operation: "mute windows", backend: Self.backend)
    }

    /// Not supported yet.
    package func markHeld(_ id: Int64, until: Date, window: String) throws(StoreError) {
        throw .unsupported(operation: "hold windows", backend: Self.backend)
    }

    /// Nothing is ever held here.
    @discardableResult
    package func releaseHeld(now: Date) throws(StoreError) -> Int { 0 }

    /// Per sink: counts by state (`sending` as pending) and the newest recorded error.
    package func sinkOutboxSummaries() throws(StoreError) -> [SinkOutboxSummary] {
        try locked { (db) throws(StoreError) in
            var bySink: [String: SinkOutboxSummary] = [:]
            try db.query("SELECT sink, status, COUNT(*) FROM outbox GROUP BY sink, status") { row in
                let sink = row.string(0) ?? ""
                var summary = bySink[sink] ?? SinkOutboxSummary(sink: sink)
                let n = Int(row.int(2))
                switch row.string(1) {
                case "pending", "sending": summary.counts.pending += n
                case "delivered": summary.counts.delivered = n
                case "dead": summary.counts.dead = n
                default: break
                }
                bySink[sink] = summary
            }
            try db.query("""
                SELECT DISTINCT ON (sink) sink, last_error FROM outbox WHERE last_error IS NOT NULL ORDER BY sink, id DESC
                """) { row in bySink[row.string(0) ?? ""]?.lastError = row.string(1) }
            return bySink.values.sorted { $0.sink < $1.sink }
        }
    }
}
