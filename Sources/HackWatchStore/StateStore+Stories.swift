import Foundation
import HackWatchModel

/// An incident's story: what its last message showed, so the next evaluation can tell what
/// changed, and which revision comes next.
package struct StoryState: Sendable, Hashable {
    /// The thread id (`Alert.story`).
    package var story: String
    /// The last revision recorded (0: only the first alert).
    package var revision: Int
    /// The incident as the last message showed it.
    package var snapshot: Incident
    /// Every rule named so far.
    package var rules: [String]
    /// When the first alert fired.
    package var startedAt: Date
    /// The first alert's headline.
    package var headline: String

    package init(story: String, revision: Int, snapshot: Incident, rules: [String], startedAt: Date, headline: String) {
        self.story = story
        self.revision = revision
        self.snapshot = snapshot
        self.rules = rules
        self.startedAt = startedAt
        self.headline = headline
    }
}

/// Where an update to one sink threads to.
package struct ThreadAnchor: Sendable, Hashable {
    /// What the sink returned for the story's first message, if it was delivered with one.
    package var reference: String?
    /// The first message is still pending to this sink: the update waits for it.
    package var firstPending = false
    /// When the pending first message is next tried (the update is rescheduled to then).
    package var firstNextAttempt: Date?

    package init(reference: String? = nil, firstPending: Bool = false, firstNextAttempt: Date? = nil) {
        self.reference = reference
        self.firstPending = firstPending
        self.firstNextAttempt = firstNextAttempt
    }
}

/// One story message to record: per group of sinks, the alert they get.
package struct StoryFiring: Sendable {
    /// The story after this message (its `revision` is the alerts' revision).
    package var state: StoryState
    /// The alerts of this revision with their sinks (sinks routed by different rules may get
    /// messages naming different rules; all share the revision and its id).
    package var alerts: [(alert: Alert, sinks: [String])]
    /// The incident the (incident, rule) pairs are recorded under.
    package var incident: Incident
    /// Rules matching for the first time (recorded as fired pairs).
    package var newRules: [String]

    package init(state: StoryState, alerts: [(alert: Alert, sinks: [String])], incident: Incident, newRules: [String]) {
        self.state = state
        self.alerts = alerts
        self.incident = incident
        self.newRules = newRules
    }
}

extension StateStore {
    /// Schema 2: stories (one per alerted incident) and the message references destinations
    /// returned for each story's first message (Telegram `message_id`, Discord message id,
    /// Slack `ts`), kept apart from the outbox so pruning delivered rows keeps the threads.
    static let schemaV2 = """
        CREATE TABLE IF NOT EXISTS stories (
            story TEXT PRIMARY KEY,
            incident_source TEXT NOT NULL,
            incident_id TEXT NOT NULL,
            revision INTEGER NOT NULL,
            snapshot TEXT NOT NULL,
            rules TEXT NOT NULL,
            started_at REAL NOT NULL,
            headline TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS threads (
            story TEXT NOT NULL,
            sink TEXT NOT NULL,
            reference TEXT NOT NULL,
            PRIMARY KEY (story, sink)
        );
        """

    /// The story of `story`, if its first alert was recorded.
    package func story(_ story: String) throws(StoreError) -> StoryState? {
        try locked { () throws(StoreError) in
            var found: StoryState?
            try db.query("SELECT revision, snapshot, rules, started_at, headline FROM stories WHERE story = ?",
                         [.text(story)]) { (row: SQLiteRow) throws(StoreError) in
                let snapshot = try Self.decodeIncident(row.string(1) ?? "")
                let rules = ((try? JSONValue.parse(row.string(2) ?? "[]"))?.arrayValue ?? []).compactMap(\.stringValue)
                found = StoryState(story: story, revision: Int(row.int(0)), snapshot: snapshot, rules: rules,
                                   startedAt: row.date(3) ?? Date(), headline: row.string(4) ?? "")
            }
            return found
        }
    }

    /// Records story messages in ONE transaction with their fired pairs and outbox rows (one
    /// per sink and revision). A message whose revision is not the next one of its story (a
    /// second process, or a replayed batch) is skipped. Returns the alerts recorded.
    package func recordStories(_ firings: [StoryFiring]) throws(StoreError) -> [Alert] {
        guard !firings.isEmpty else { return [] }
        // The JSON text is written before the lock is taken: it was most of a big chunk's
        // transaction, and the outbox's senders wait on the same lock to mark each delivery
        // (issue 19: a 2,000-firing chunk held every sender up for seconds).
        let stored = firings.map { firing in
            (snapshot: Self.storedPayload(firing.state.snapshot),
             rules: JSONValue.array(firing.state.rules.map(JSONValue.string)).serialized(),
             payloads: firing.alerts.map { $0.alert.storedJSON.serialized() })
        }
        return try locked { () throws(StoreError) in
            try db.transaction { () throws(StoreError) in
                var recorded: [Alert] = []
                for (firing, stored) in zip(firings, stored) {
                    let state = firing.state
                    let snapshot = stored.snapshot
                    let rules = stored.rules
                    if state.revision == 0 {
                        try db.query("""
                            INSERT OR IGNORE INTO stories (story, incident_source, incident_id, revision, snapshot, rules, started_at, headline)
                            VALUES (?, ?, ?, 0, ?, ?, ?, ?)
                            """, [.text(state.story), .text(firing.incident.source), .text(firing.incident.id), .text(snapshot),
                                  .text(rules), .date(state.startedAt), .text(state.headline)])
                    } else {
                        try db.query("UPDATE stories SET revision = ?, snapshot = ?, rules = ? WHERE story = ? AND revision = ?",
                                     [.integer(Int64(state.revision)), .text(snapshot), .text(rules), .text(state.story),
                                      .integer(Int64(state.revision - 1))])
                    }
                    guard db.changes == 1 else { continue }
                    for rule in firing.newRules {
                        let pair = Alert.makeID(incidentID: firing.incident.id, source: firing.incident.source, rule: rule)
                        try insertFired(pair, incident: firing.incident, rule: rule, at: state.startedAt)
                    }
                    for ((alert, sinks), payload) in zip(firing.alerts, stored.payloads) {
                        try insertOutbox(alert, sinks: sinks, payload: payload)
                        recorded.append(alert)
                    }
                }
                return recorded
            }
        }
    }

    /// Marks a delivery acknowledged and, in the same transaction, keeps the message reference
    /// its destination returned for the story's first message — so a crash cannot leave a
    /// delivered first message without the reference its updates thread to.
    package func markDelivered(_ id: Int64, story: String, sink: String, reference: String?) throws(StoreError) {
        try locked { () throws(StoreError) in
            try db.transaction { () throws(StoreError) in
                try db.query("UPDATE outbox SET status = 'delivered', attempts = attempts + 1, finished_at = ?, last_error = NULL WHERE id = ?",
                             [.date(Date()), .integer(id)])
                if let reference {
                    try db.query("INSERT OR REPLACE INTO threads (story, sink, reference) VALUES (?, ?, ?)",
                                 [.text(story), .text(sink), .text(reference)])
                }
            }
        }
    }

    /// The reference `sink` returned for `story`'s first message, and whether that message is
    /// still pending to `sink`.
    package func threadAnchor(story: String, sink: String) throws(StoreError) -> ThreadAnchor {
        try locked { () throws(StoreError) in
            var anchor = ThreadAnchor()
            try db.query("SELECT reference FROM threads WHERE story = ? AND sink = ?", [.text(story), .text(sink)]) { row in
                anchor.reference = row.string(0)
            }
            try db.query("SELECT next_attempt FROM outbox WHERE alert_id = ? AND sink = ? AND status = 'pending'",
                         [.text(story), .text(sink)]) { row in
                anchor.firstPending = true
                anchor.firstNextAttempt = row.date(0)
            }
            return anchor
        }
    }

    /// Records the (incident, rule) pair `pairID` as fired (no-op when it already is); inside a
    /// transaction, under the lock.
    func insertFired(_ pairID: String, incident: Incident, rule: String, at date: Date) throws(StoreError) {
        try db.query("""
            INSERT OR IGNORE INTO fired (alert_id, incident_source, incident_id, rule, fired_at)
            VALUES (?, ?, ?, ?, ?)
            """, [.text(pairID), .text(incident.source), .text(incident.id), .text(rule), .date(date)])
    }

    /// One outbox row per sink for `alert`; inside a transaction, under the lock. `payload` is
    /// `alert.storedJSON.serialized()`, written by the caller before it took the lock.
    func insertOutbox(_ alert: Alert, sinks: [String], payload: String) throws(StoreError) {
        for sink in Set(sinks).sorted() {
            try db.query("""
                INSERT OR IGNORE INTO outbox (alert_id, sink, payload, next_attempt, created_at)
                VALUES (?, ?, ?, ?, ?)
                """, [.text(alert.id), .text(sink), .text(payload), .date(alert.firedAt), .date(Date())])
        }
    }

    /// The stored form of an incident (without the per-evaluation `update`).
    package static func storedPayload(_ incident: Incident) -> String {
        var stored = incident
        stored.update = false
        return stored.jsonValue.serialized()
    }
}
