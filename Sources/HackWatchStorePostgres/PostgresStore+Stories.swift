import Foundation
import HackWatchModel
import HackWatchStore

extension PostgresStore {
    /// The story of `story`, if its first alert was recorded.
    package func story(_ story: String) throws(StoreError) -> StoryState? {
        try locked { (db) throws(StoreError) in
            var found: StoryState?
            try db.query("SELECT revision, snapshot, rules, started_at, headline FROM stories WHERE story = $1",
                         [.text(story)]) { (row: PGRow) throws(StoreError) in
                let snapshot = try StateStore.decodeIncident(row.string(1) ?? "")
                let rules = ((try? JSONValue.parse(row.string(2) ?? "[]"))?.arrayValue ?? []).compactMap(\.stringValue)
                found = StoryState(story: story, revision: Int(row.int(0)), snapshot: snapshot, rules: rules,
                                   startedAt: row.date(3) ?? Date(), headline: row.string(4) ?? "")
            }
            return found
        }
    }

    /// Records story messages with their fired pairs and outbox rows in ONE fenced transaction;
    /// a revision that is not its story's next one is skipped. Returns the alerts recorded.
    package func recordStories(_ firings: [StoryFiring]) throws(StoreError) -> [Alert] {
        guard !firings.isEmpty else { return [] }
        return try fenced { (db, epoch) throws(StoreError) in
            var recorded: [Alert] = []
            for firing in firings {
                let state = firing.state
                let snapshot = StateStore.storedPayload(state.snapshot)
                let rules = JSONValue.array(state.rules.map(JSONValue.string)).serialized()
                let changed: Int
                if state.revision == 0 {
                    changed = try db.query("""
                        INSERT INTO stories (story, incident_source, incident_id, revision, snapshot, rules, started_at, headline)
                        VALUES ($1, $2, $3, 0, $4, $5, $6, $7) ON CONFLICT (story) DO NOTHING
                        """, [.text(state.story), .text(firing.incident.source), .text(firing.incident.id), .text(snapshot),
                              .text(rules), .date(state.startedAt), .text(state.headline)])
                } else {
                    changed = try db.query("UPDATE stories SET revision = $1, snapshot = $2, rules = $3 WHERE story = $4 AND revision = $5",
                                           [.integer(Int64(state.revision)), .text(snapshot), .text(rules), .text(state.story),
                                            .integer(Int64(state.revision - 1))])
                }
                guard changed == 1 else { continue }
                for rule in firing.newRules {
                    let pair = Alert.makeID(incidentID: firing.incident.id, source: firing.incident.source, rule: rule)
                    _ = try Self.insertFired(pair, incident: firing.incident, rule: rule, at: state.startedAt, epoch: epoch, db: db)
                }
                for (alert, sinks) in firing.alerts {
                    try Self.insertOutbox(alert, sinks: sinks, epoch: epoch, db: db)
                    recorded.append(alert)
                }
            }
            return recorded
        }
    }

    /// Marks a delivery acknowledged and keeps the destination's message reference, in one
    /// fenced transaction.
    package func markDelivered(_ id: Int64, story: String, sink: String, reference: String?) throws(StoreError) {
        try fenced { (db, epoch) throws(StoreError) in
            try Self.delivered(id, epoch: epoch, db: db)
            if let reference {
                try db.query("""
                    INSERT INTO threads (story, sink, reference) VALUES ($1, $2, $3)
                    ON CONFLICT (story, sink) DO UPDATE SET reference = EXCLUDED.reference
                    """, [.text(story), .text(sink), .text(reference)])
            }
        }
    }

    /// The reference `sink` returned for `story`'s first message, and whether it is pending.
    package func threadAnchor(story: String, sink: String) throws(StoreError) -> ThreadAnchor {
        try locked { (db) throws(StoreError) in
            var anchor = ThreadAnchor()
            try db.query("SELECT reference FROM threads WHERE story = $1 AND sink = $2", [.text(story), .text(sink)]) { row in
                anchor.reference = row.string(0)
            }
            try db.query("SELECT next_attempt FROM outbox WHERE alert_id = $1 AND sink = $2 AND status IN ('pending', 'sending')",
                         [.text(story), .text(sink)]) { row in
                anchor.firstPending = true
                anchor.firstNextAttempt = row.date(0)
            }
            return anchor
        }
    }
}

extension PostgresStore: StateStoring {}
