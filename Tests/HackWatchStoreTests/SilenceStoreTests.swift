import Foundation
import Testing
import HackWatchFixtures
@testable import HackWatchModel
@testable import HackWatchStore

@Suite struct SilenceStoreTests {
    static func silence(_ id: String, ends: Date, sink: String? = nil) -> StoredSilence {
        StoredSilence(id: id, match: "bridge", sink: sink, comment: "maintenance", createdBy: "alice",
                      createdAt: Date(timeIntervalSince1970: 1000), startsAt: Date(timeIntervalSince1970: 1000), endsAt: ends)
    }

    /// Turns a current file back into schema 2: the outbox with its old CHECK, no silences table.
    static func downgradeToVersionTwo(_ path: String) throws {
        let raw = try SQLiteConnection(path: path)
        defer { raw.close() }
        try raw.execute("""
            DROP TABLE silences;
            CREATE TABLE outbox_v2 (
                id INTEGER PRIMARY KEY AUTOINCREMENT, alert_id TEXT NOT NULL, sink TEXT NOT NULL, payload TEXT NOT NULL,
                status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
                attempts INTEGER NOT NULL DEFAULT 0, next_attempt REAL NOT NULL, last_error TEXT, created_at REAL NOT NULL,
                finished_at REAL, UNIQUE (alert_id, sink));
            INSERT INTO outbox_v2 SELECT id, alert_id, sink, payload, status, attempts, next_attempt, last_error, created_at, finished_at FROM outbox;
            DROP TABLE outbox;
            ALTER TABLE outbox_v2 RENAME TO outbox;
            PRAGMA user_version = 2;
            """)
    }

    /// A schema-2 file keeps every outbox row through the rebuild, and then takes the new states.
    @Test func versionTwoDatabaseIsMigratedKeepingItsOutbox() throws {
        let (store, folder) = try NotifyFixtures.temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try store.recordFiring([(NotifyFixtures.alert("a"), ["chat", "pager"]), (NotifyFixtures.alert("b"), ["chat"])])
        let first = try store.pendingDeliveries(limit: 10)
        try store.markDelivered(first[0].id)
        try store.markDead(first[1].id, error: "HTTP 404")
        store.close()
        let path = StateStore.path(stateDir: folder.path)
        try Self.downgradeToVersionTwo(path)

        // Read-only (status beside an older daemon): no silences yet, the outbox reads as before.
        let old = try StateStore(path: path, readOnly: true)
        #expect(try old.silences(activeAt: Date(), includeExpired: true).isEmpty)
        #expect(try old.pendingDeliveries(limit: 10).map(\.id) == [first[2].id])
        old.close()

        let reopened = try StateStore(path: path)
        defer { reopened.close() }
        var version = 0
        try reopened.db.query("PRAGMA user_version") { row in version = Int(row.int(0)) }
        #expect(version == StateStore.schemaVersion)
        #expect(try reopened.outboxCounts() == OutboxCounts(pending: 1, delivered: 1, dead: 1))
        try reopened.markSilenced(first[2].id, silence: "s1")
        #expect(try reopened.outboxCounts() == OutboxCounts(pending: 0, delivered: 1, dead: 1, silenced: 1))
        #expect(try reopened.recentOutbox(status: "silenced", limit: 5).map(\.silenceID) == ["s1"])
    }

    @Test func activeSilencesAreListedUntilExpired() throws {
        let (store, folder) = try NotifyFixtures.temporaryStore()
        defer { store.close(); try? FileManager.default.removeItem(at: folder) }
        let now = Date(timeIntervalSince1970: 5000)
        try store.addSilence(Self.silence("s1", ends: Date(timeIntervalSince1970: 9000), sink: "chat"))
        try store.addSilence(Self.silence("s2", ends: Date(timeIntervalSince1970: 4000)))
        #expect(try store.silences(activeAt: now, includeExpired: false).map(\.id) == ["s1"])
        #expect(try store.silences(activeAt: now, includeExpired: false).first?.sink == "chat")
        #expect(Set(try store.silences(activeAt: now, includeExpired: true).map(\.id)) == ["s1", "s2"])
        #expect(try store.expireSilence("s1", at: now, release: false) == 0)
        #expect(try store.silences(activeAt: now, includeExpired: false).isEmpty)
        #expect(try store.silences(activeAt: now, includeExpired: true).first { $0.id == "s1" }?.endsAt == now)
    }

    /// `--release` puts back only the rows that silence kept, due at once.
    @Test func expireWithReleaseMakesItsSilencedRowsPending() throws {
        let (store, folder) = try NotifyFixtures.temporaryStore()
        defer { store.close(); try? FileManager.default.removeItem(at: folder) }
        _ = try store.recordFiring([(NotifyFixtures.alert("a"), ["chat"]), (NotifyFixtures.alert("b"), ["chat"])])
        let rows = try store.pendingDeliveries(limit: 10)
        try store.addSilence(Self.silence("s1", ends: .distantFuture))
        try store.markSilenced(rows[0].id, silence: "s1")
        try store.markSilenced(rows[1].id, silence: "window:night")
        let now = Date()
        #expect(try store.expireSilence("s1", at: now, release: true) == 1)
        let pending = try store.dueDeliveries(now: now, limit: 10)
        #expect(pending.map(\.id) == [rows[0].id])
        #expect(abs(try #require(pending.first?.heldUntil).timeIntervalSince(now)) < 0.001)
        #expect(try store.outboxCounts() == OutboxCounts(pending: 1, silenced: 1))
    }

    /// Held rows wait for their window's end (the worker's wake-up includes them), then are due.
    @Test func heldRowsAreReleasedAtTheirEnd() throws {
        let (store, folder) = try NotifyFixtures.temporaryStore()
        defer { store.close(); try? FileManager.default.removeItem(at: folder) }
        _ = try store.recordFiring([(NotifyFixtures.alert("a"), ["pager"])])
        let row = try #require(try store.pendingDeliveries(limit: 1).first)
        let end = Date().addingTimeInterval(3600)
        try store.markHeld(row.id, until: end, window: "night")
        #expect(try store.outboxCounts() == OutboxCounts(held: 1))
        // Stored as REAL seconds: equal to the microsecond, not always to the last bit.
        #expect(abs(try #require(try store.pendingSchedule()["pager"]).timeIntervalSince(end)) < 0.001)
        #expect(try store.releaseHeld(now: end.addingTimeInterval(-1)) == 0)
        #expect(try store.releaseHeld(now: end) == 1)
        #expect(try store.dueDeliveries(now: end, limit: 5).map(\.id) == [row.id])
        let summary = try store.sinkOutboxSummaries()
        #expect(summary == [SinkOutboxSummary(sink: "pager", counts: OutboxCounts(pending: 1))])
    }

    /// Per sink: counts by state and the newest error of any of its rows.
    @Test func sinkSummariesCountStatesAndKeepTheLastError() throws {
        let (store, folder) = try NotifyFixtures.temporaryStore()
        defer { store.close(); try? FileManager.default.removeItem(at: folder) }
        _ = try store.recordFiring([(NotifyFixtures.alert("a"), ["chat", "pager"]), (NotifyFixtures.alert("b"), ["chat"]),
                                    (NotifyFixtures.alert("c"), ["chat"])])
        let rows = try store.pendingDeliveries(limit: 10)
        let chat = rows.filter { $0.sink == "chat" }
        try store.markDead(chat[0].id, error: "HTTP 404")
        try store.scheduleRetry(chat[1].id, attempts: 1, next: Date(), error: "HTTP 503")
        try store.markSilenced(chat[2].id, silence: "s1")
        #expect(try store.sinkOutboxSummaries() == [
            SinkOutboxSummary(sink: "chat", counts: OutboxCounts(pending: 1, dead: 1, silenced: 1), lastError: "HTTP 503"),
            SinkOutboxSummary(sink: "pager", counts: OutboxCounts(pending: 1)),
        ])
    }
}
