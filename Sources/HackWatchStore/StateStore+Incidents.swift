import Foundation
import HackWatchModel

extension StateStore {
    /// The stored incident with this identity, if any.
    package func incident(source: String, id: String) throws(StoreError) -> Incident? {
        try locked { () throws(StoreError) in
            var payload: String?
            try db.query("SELECT payload FROM incidents WHERE source = ? AND id = ?", [.text(source), .text(id)]) { row in
                payload = row.string(0)
            }
            return try payload.map { (text: String) throws(StoreError) -> Incident in try Self.decodeIncident(text) }
        }
    }

    /// Incidents dated on or after `since` (undated ones first seen since then), for correlation.
    package func incidents(since: Date) throws(StoreError) -> [Incident] {
        try locked { () throws(StoreError) in
            var result: [Incident] = []
            let cutoff = SQLiteValue.date(since)
            try db.query("""
                SELECT payload FROM incidents
                WHERE date >= ? OR (date IS NULL AND seen_at >= ?) ORDER BY date, source, id
                """, [cutoff, cutoff]) { (row: SQLiteRow) throws(StoreError) in
                result.append(try Self.decodeIncident(row.string(0) ?? ""))
            }
            return result
        }
    }

    /// `incidents(since:)` without `source`'s incidents, filtered by the query (nothing of the
    /// polled feed's own rows is decoded).
    package func incidents(since: Date, excludingSource source: String) throws(StoreError) -> [Incident] {
        try locked { () throws(StoreError) in
            var result: [Incident] = []
            let cutoff = SQLiteValue.date(since)
            try db.query("""
                SELECT payload FROM incidents
                WHERE (date >= ? OR (date IS NULL AND seen_at >= ?)) AND source <> ? ORDER BY date, source, id
                """, [cutoff, cutoff, .text(source)]) { (row: SQLiteRow) throws(StoreError) in
                result.append(try Self.decodeIncident(row.string(0) ?? ""))
            }
            return result
        }
    }

    /// Inserts or replaces the incident (keyed by source and id). `update` is not stored: it
    /// describes one evaluation, not the incident.
    package func saveIncident(_ incident: Incident) throws(StoreError) {
        var stored = incident
        stored.update = false
        let payload = stored.jsonValue.serialized()
        try locked { () throws(StoreError) in
            try db.query("""
                INSERT INTO incidents (source, id, date, seen_at, payload) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (source, id) DO UPDATE SET date = excluded.date, payload = excluded.payload
                """, [.text(incident.source), .text(incident.id), .optional(incident.date), .date(Date()), .text(payload)])
        }
    }

    /// Saves `incidents` as `saveIncident` does, all in one transaction: a poll that records
    /// 283k incidents makes one commit (one WAL sync), not 283k.
    package func saveIncidents(_ incidents: [Incident]) throws(StoreError) {
        try saveIncidents(incidents, contentHashes: [:], of: "")
    }

    /// Saves `incidents` in one transaction; an incident of `source` whose `id` is in
    /// `contentHashes` (the polled feed's own records) gets that hash stored with it, the others
    /// (correlation merges into another feed's record) keep the hash they had.
    package func saveIncidents(_ incidents: [Incident], contentHashes: [String: Int64], of source: String) throws(StoreError) {
        guard !incidents.isEmpty else { return }
        let now = SQLiteValue.date(Date())
        try locked { () throws(StoreError) in
            try db.transaction { () throws(StoreError) in
                for incident in incidents {
                    var stored = incident
                    stored.update = false
                    let hash = incident.source == source ? contentHashes[incident.id].map(SQLiteValue.integer) ?? .null : .null
                    try db.query("""
                        INSERT INTO incidents (source, id, date, seen_at, payload, content_hash) VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT (source, id) DO UPDATE SET date = excluded.date, payload = excluded.payload,
                            content_hash = COALESCE(excluded.content_hash, incidents.content_hash)
                        """, [.text(incident.source), .text(incident.id), .optional(incident.date), now,
                              .text(stored.jsonValue.serialized()), hash])
                }
            }
        }
    }

    /// The ids of `source`'s stored incidents with their content hashes (nil where none was
    /// stored): one query per poll instead of one per record.
    package func incidentHashes(source: String) throws(StoreError) -> [String: Int64?] {
        try locked { () throws(StoreError) in
            var result: [String: Int64?] = [:]
            try db.query("SELECT id, content_hash FROM incidents WHERE source = ?", [.text(source)]) { row in
                // updateValue: assigning a nil Int64? through the subscript would remove the key.
                result.updateValue(row.isNull(1) ? nil : row.int(1), forKey: row.string(0) ?? "")
            }
            return result
        }
    }

    /// How many incidents are stored.
    package func incidentCount() throws(StoreError) -> Int {
        try count("SELECT COUNT(*) FROM incidents")
    }

    package static func decodeIncident(_ text: String) throws(StoreError) -> Incident {
        do {
            return try Incident(json: try JSONValue.parse(text))
        } catch let error as JSONParseError {
            throw .corruptRow(table: "incidents", detail: error.description)
        } catch let error as IncidentDecodingError {
            throw .corruptRow(table: "incidents", detail: error.description)
        } catch {
            throw .corruptRow(table: "incidents", detail: "\(error)")
        }
    }
}
