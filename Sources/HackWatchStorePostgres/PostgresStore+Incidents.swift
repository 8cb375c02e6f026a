import Foundation
import HackWatchModel
import HackWatchStore

extension PostgresStore {
    // MARK: Feeds

    /// The remembered state of `feed`, or nil before its first poll.
    package func feedState(_ feed: String) throws(StoreError) -> FeedState? {
        try locked { (db) throws(StoreError) in
            var state: FeedState?
            try db.query("\(Self.feedColumns) WHERE feed = $1", [.text(feed)]) { row in state = Self.feedState(row) }
            return state
        }
    }

    /// Every feed's state, by name.
    package func allFeedStates() throws(StoreError) -> [FeedState] {
        try locked { (db) throws(StoreError) in
            var states: [FeedState] = []
            try db.query("\(Self.feedColumns) ORDER BY feed") { row in states.append(Self.feedState(row)) }
            return states
        }
    }

    /// Inserts or replaces the state of `state.feed` (fenced: the leader only).
    package func saveFeedState(_ state: FeedState) throws(StoreError) {
        try fenced { (db, epoch) throws(StoreError) in try Self.upsertFeedState(state, epoch: epoch, db: db) }
    }

    static func upsertFeedState(_ state: FeedState, epoch: Int64, db: PGConnection) throws(StoreError) {
        try db.query("""
            INSERT INTO feed_state (feed, etag, last_modified, first_poll_done, polls, failures,
                consecutive_failures, last_success, last_attempt, last_error, health_alerted, epoch, body_hash)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
            ON CONFLICT (feed) DO UPDATE SET etag = EXCLUDED.etag, last_modified = EXCLUDED.last_modified,
                first_poll_done = EXCLUDED.first_poll_done, polls = EXCLUDED.polls, failures = EXCLUDED.failures,
                consecutive_failures = EXCLUDED.consecutive_failures, last_success = EXCLUDED.last_success,
                last_attempt = EXCLUDED.last_attempt, last_error = EXCLUDED.last_error,
                health_alerted = EXCLUDED.health_alerted, epoch = EXCLUDED.epoch, body_hash = EXCLUDED.body_hash
            """, [.text(state.feed), .optional(state.validators?.etag), .optional(state.validators?.lastModified),
                  .bool(state.firstPollDone), .integer(Int64(state.polls)), .integer(Int64(state.failures)),
                  .integer(Int64(state.consecutiveFailures)), .optional(state.lastSuccess), .optional(state.lastAttempt),
                  .optional(state.lastError), .bool(state.healthAlerted), .integer(epoch),
                  .optional(state.bodyHash)])
    }

    private static let feedColumns = """
        SELECT feed, etag, last_modified, first_poll_done, polls, failures, consecutive_failures,
               last_success, last_attempt, last_error, health_alerted, body_hash FROM feed_state
        """

    private static func feedState(_ row: PGRow) -> FeedState {
        let validators = HTTPValidators(etag: row.string(1), lastModified: row.string(2))
        var state = FeedState(
            feed: row.string(0) ?? "", validators: validators.isEmpty ? nil : validators,
            firstPollDone: row.bool(3), polls: Int(row.int(4)), failures: Int(row.int(5)),
            consecutiveFailures: Int(row.int(6)), lastSuccess: row.date(7), lastAttempt: row.date(8),
            lastError: row.string(9), healthAlerted: row.bool(10))
        state.bodyHash = row.string(11)
        return state
    }

    // MARK: Incidents

    /// The stored incident with this identity, if any.
    package func incident(source: String, id: String) throws(StoreError) -> Incident? {
        try locked { (db) throws(StoreError) in
            var payload: String?
            try db.query("SELECT payload FROM incidents WHERE source = $1 AND id = $2", [.text(source), .text(id)]) { row in
                payload = row.string(0)
            }
            return try payload.map { (text: String) throws(StoreError) -> Incident in try StateStore.decodeIncident(text) }
        }
    }

    /// Incidents dated on or after `since` (undated ones first seen since then), for correlation.
    package func incidents(since: Date) throws(StoreError) -> [Incident] {
        try locked { (db) throws(StoreError) in
            var result: [Incident] = []
            try db.query("""
                SELECT payload FROM incidents
                WHERE date >= $1 OR (date IS NULL AND seen_at >= $1) ORDER BY date, source, id
                """, [.date(since)]) { (row: PGRow) throws(StoreError) in
                result.append(try StateStore.decodeIncident(row.string(0) ?? ""))
            }
            return result
        }
    }

    /// `incidents(since:)` without `source`'s incidents, filtered by the query.
    package func incidents(since: Date, excludingSource source: String) throws(StoreError) -> [Incident] {
        try locked { (db) throws(StoreError) in
            var result: [Incident] = []
            try db.query("""
                SELECT payload FROM incidents
                WHERE (date >= $1 OR (date IS NULL AND seen_at >= $1)) AND source <> $2 ORDER BY date, source, id
                """, [.date(since), .text(source)]) { (row: PGRow) throws(StoreError) in
                result.append(try StateStore.decodeIncident(row.string(0) ?? ""))
            }
            return result
        }
    }

    /// Inserts or replaces the incident (fenced).
    package func saveIncident(_ incident: Incident) throws(StoreError) {
        try saveIncidents([incident])
    }

    /// Saves `incidents` in one fenced transaction, in statements of up to 500 rows.
    package func saveIncidents(_ incidents: [Incident]) throws(StoreError) {
        try saveIncidents(incidents, contentHashes: [:], of: "")
    }

    /// As the SQLite store: an incident of `source` listed in `contentHashes` (the polled feed's
    /// own records) gets that hash stored with it; the others keep the hash they had.
    package func saveIncidents(_ incidents: [Incident], contentHashes: [String: Int64], of source: String) throws(StoreError) {
        guard !incidents.isEmpty else { return }
        try fenced { (db, epoch) throws(StoreError) in
            try Self.insertIncidents(incidents, seenAt: Date(), epoch: epoch, db: db,
                                     hash: { $0.source == source ? contentHashes[$0.id] : nil })
        }
    }

    /// The ids of `source`'s stored incidents with their content hashes (nil where none was
    /// stored): one query per poll instead of one per record.
    package func incidentHashes(source: String) throws(StoreError) -> [String: Int64?] {
        try locked { (db) throws(StoreError) in
            var result: [String: Int64?] = [:]
            try db.query("SELECT id, content_hash FROM incidents WHERE source = $1", [.text(source)]) { row in
                // updateValue: assigning a nil Int64? through the subscript would remove the key.
                result.updateValue(row.isNull(1) ? nil : row.int(1), forKey: row.string(0) ?? "")
            }
            return result
        }
    }

    static func insertIncidents(_ incidents: [Incident], seenAt: Date, epoch: Int64, db: PGConnection,
                                hash: (Incident) -> Int64? = { _ in nil }) throws(StoreError) {
        // A batch naming one incident twice keeps the last, as a loop of upserts would (and one
        // INSERT … ON CONFLICT may not touch a row twice).
        var last: [String: Int] = [:]
        for (index, incident) in incidents.enumerated() { last[incident.source + "\u{0}" + incident.id] = index }
        let unique = incidents.indices.filter { last[incidents[$0].source + "\u{0}" + incidents[$0].id] == $0 }.map { incidents[$0] }
        // Several rows per statement: one round trip per 500 incidents, not one each.
        var start = 0
        while start < unique.count {
            let chunk = unique[start..<min(unique.count, start + 500)]
            start += chunk.count
            var values: [PGValue] = []
            var tuples: [String] = []
            for incident in chunk {
                let n = values.count
                tuples.append("($\(n + 1), $\(n + 2), $\(n + 3)::double precision, $\(n + 4)::double precision, $\(n + 5), $\(n + 6)::bigint, $\(n + 7)::bigint)")
                values += [.text(incident.source), .text(incident.id), .optional(incident.date), .date(seenAt),
                           .text(StateStore.storedPayload(incident)), .integer(epoch), hash(incident).map(PGValue.integer) ?? .null]
            }
            try db.query("""
                INSERT INTO incidents (source, id, date, seen_at, payload, epoch, content_hash)
                VALUES \(tuples.joined(separator: ", "))
                ON CONFLICT (source, id) DO UPDATE SET date = EXCLUDED.date, payload = EXCLUDED.payload, epoch = EXCLUDED.epoch,
                    content_hash = COALESCE(EXCLUDED.content_hash, incidents.content_hash)
                """, values)
        }
    }

    /// How many incidents are stored.
    package func incidentCount() throws(StoreError) -> Int {
        try count("SELECT COUNT(*) FROM incidents")
    }
}
