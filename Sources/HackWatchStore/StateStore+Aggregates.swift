import Foundation
import HackWatchModel

/// Schema 6: aggregate episodes and digest periods.
extension StateStore {
    static let schemaV6 = """
        CREATE TABLE IF NOT EXISTS aggregate_state (
            aggregate TEXT PRIMARY KEY,
            fingerprint TEXT NOT NULL,
            groups TEXT NOT NULL,
            updated_at REAL NOT NULL
        );
        CREATE TABLE IF NOT EXISTS aggregate_episodes (
            aggregate TEXT NOT NULL,
            grp TEXT NOT NULL,
            episode INTEGER NOT NULL,
            started_at REAL NOT NULL,
            alert_id TEXT NOT NULL,
            PRIMARY KEY (aggregate, grp, episode)
        );
        CREATE TABLE IF NOT EXISTS digest_state (
            digest TEXT PRIMARY KEY,
            period_end REAL NOT NULL
        );
        """

    /// The stored state of aggregate `name`.
    package func aggregateState(_ name: String) throws(StoreError) -> AggregateState? {
        try locked { () throws(StoreError) in
            var state: AggregateState?
            try db.query("SELECT fingerprint, groups, updated_at FROM aggregate_state WHERE aggregate = ?", [.text(name)]) { row in
                var groups: [String: AggregateGroupState] = [:]
                let json = (try? JSONValue.parse(row.string(1) ?? "{}")) ?? .object([:])
                for (key, value) in json.objectValue ?? [:] {
                    groups[key] = AggregateGroupState(
                        display: value["display"]?.stringValue ?? key, episode: Int(value["episode"]?.numberValue ?? 0),
                        active: value["active"]?.boolValue ?? false,
                        lastTrue: value["last_true"]?.numberValue.map(Date.init(timeIntervalSince1970:)))
                }
                state = AggregateState(name: name, fingerprint: row.string(0) ?? "", groups: groups,
                                       updatedAt: row.date(2) ?? Date(timeIntervalSince1970: 0))
            }
            return state
        }
    }

    /// Replaces aggregate `state` and records `episodes`, in one transaction.
    package func saveAggregateState(_ state: AggregateState, episodes: [AggregateEpisode]) throws(StoreError) {
        var groups: [String: JSONValue] = [:]
        for (key, group) in state.groups {
            groups[key] = .object(["display": .string(group.display), "episode": .number(Double(group.episode)),
                                   "active": .bool(group.active), "last_true": group.lastTrue.map { .number($0.timeIntervalSince1970) } ?? .null])
        }
        let text = JSONValue.object(groups).serialized()
        try locked { () throws(StoreError) in
            try db.transaction { () throws(StoreError) in
                try db.query("INSERT OR REPLACE INTO aggregate_state (aggregate, fingerprint, groups, updated_at) VALUES (?, ?, ?, ?)",
                             [.text(state.name), .text(state.fingerprint), .text(text), .date(state.updatedAt)])
                for episode in episodes {
                    try db.query("INSERT OR IGNORE INTO aggregate_episodes (aggregate, grp, episode, started_at, alert_id) VALUES (?, ?, ?, ?, ?)",
                                 [.text(episode.aggregate), .text(episode.group), .integer(Int64(episode.episode)),
                                  .date(episode.startedAt), .text(episode.alertID)])
                }
            }
        }
    }

    /// Recorded episodes, newest first (`aggregate` nil: of every aggregate).
    package func aggregateEpisodes(aggregate: String?, limit: Int) throws(StoreError) -> [AggregateEpisode] {
        try locked { () throws(StoreError) in
            var episodes: [AggregateEpisode] = []
            let filter = aggregate == nil ? "" : "WHERE aggregate = ?"
            try db.query("SELECT aggregate, grp, episode, started_at, alert_id FROM aggregate_episodes \(filter) ORDER BY started_at DESC, episode DESC LIMIT ?",
                         (aggregate.map { [SQLiteValue.text($0)] } ?? []) + [.integer(Int64(limit))]) { row in
                episodes.append(AggregateEpisode(aggregate: row.string(0) ?? "", group: row.string(1) ?? "", episode: Int(row.int(2)),
                                                 startedAt: row.date(3) ?? Date(timeIntervalSince1970: 0), alertID: row.string(4) ?? ""))
            }
            return episodes
        }
    }

    /// The end of the last period digest `name` was delivered (or silently recorded) for.
    package func digestPeriodEnd(_ name: String) throws(StoreError) -> Date? {
        try locked { () throws(StoreError) in
            var end: Date?
            try db.query("SELECT period_end FROM digest_state WHERE digest = ?", [.text(name)]) { row in end = row.date(0) }
            return end
        }
    }

    /// Records that digest `name` is done up to `end`.
    package func saveDigestPeriodEnd(_ name: String, end: Date) throws(StoreError) {
        try locked { () throws(StoreError) in
            try db.query("INSERT OR REPLACE INTO digest_state (digest, period_end) VALUES (?, ?)", [.text(name), .date(end)])
        }
    }
}
