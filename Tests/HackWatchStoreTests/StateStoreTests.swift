import Foundation
import Testing
import TestSupport
@testable import HackWatchModel
@testable import HackWatchStore
import HackWatchFixtures

@Suite struct StateStoreTests {
    @Test func opensInWALModeAndCreatesTheFolder() throws {
        let folder = try makeTemporaryDirectory("hackwatch-store")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = StateStore.path(stateDir: folder.appendingPathComponent("nested/state").path)
        #expect(path.hasSuffix("nested/state/hackwatch.sqlite"))
        let store = try StateStore(path: path)
        #expect(try store.journalMode() == "wal")
        #expect(FileManager.default.fileExists(atPath: path))
        store.close()
        #expect(throws: StoreError.closed) { try store.incidentCount() }
    }

    @Test func incidentsRoundTripAndPersistAcrossReopen() throws {
        let (store, folder) = try NotifyFixtures.temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        var ronin = NotifyFixtures.incident()
        ronin.update = true
        try store.saveIncident(ronin)
        try store.saveIncident(NotifyFixtures.incident("old", name: "Old"))
        var undated = NotifyFixtures.incident("undated", name: "Undated")
        undated.date = nil
        try store.saveIncident(undated)
        #expect(try store.incidentCount() == 3)

        ronin.loss = Money(usd: 625_000_000)
        try store.saveIncident(ronin)  // upsert, not a second row
        #expect(try store.incidentCount() == 3)
        store.close()

        let reopened = try StateStore(path: StateStore.path(stateDir: folder.path))
        let loaded = try #require(try reopened.incident(source: "defillama", id: "ronin-2022"))
        #expect(loaded.loss == Money(usd: 625_000_000))
        #expect(loaded.update == false)
        #expect(loaded.chains == ["Ethereum", "Ronin"])
        #expect(try reopened.incident(source: "defillama", id: "missing") == nil)
        let since = try reopened.incidents(since: Incident.parseDate("2022-01-01")!)
        #expect(Set(since.map(\.id)) == ["ronin-2022", "old", "undated"])
        #expect(try reopened.incidents(since: Date().addingTimeInterval(3600)).isEmpty)
    }

    @Test func feedStateRoundTrips() throws {
        let (store, folder) = try NotifyFixtures.temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try store.feedState("defillama") == nil)
        let state = FeedState(feed: "defillama", validators: HTTPValidators(etag: "\"abc\"", lastModified: "Wed, 01 Jan 2025 00:00:00 GMT"),
                              firstPollDone: true, polls: 12, failures: 3, consecutiveFailures: 2,
                              lastSuccess: Date(timeIntervalSince1970: 1_700_000_000), lastAttempt: Date(timeIntervalSince1970: 1_700_000_600),
                              lastError: "timed out", healthAlerted: true)
        try store.saveFeedState(state)
        try store.saveFeedState(FeedState(feed: "rss"))
        #expect(try store.feedState("defillama") == state)
        #expect(try store.allFeedStates().map(\.feed) == ["defillama", "rss"])
        #expect(try store.feedState("rss")?.validators == nil)
    }

    @Test func recordFiringWritesPairsAndOutboxOnceOnly() throws {
        let (store, folder) = try NotifyFixtures.temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        let a = NotifyFixtures.alert("a"), b = NotifyFixtures.alert("b")
        let first = try store.recordFiring([(a, ["chat", "syslog"]), (b, ["chat"])])
        #expect(first.map(\.id) == [a.id, b.id])
        #expect(try store.hasFired(alertID: a.id))
        #expect(try store.outboxCounts() == OutboxCounts(pending: 3))

        // The same pairs again (a re-poll, a restart): nothing new, no duplicate sends.
        let again = try store.recordFiring([(a, ["chat", "syslog"]), (NotifyFixtures.alert("c"), ["chat"])])
        #expect(again.map(\.incident.id) == ["c"])
        #expect(try store.outboxCounts() == OutboxCounts(pending: 4))
        #expect(try store.firedCount() == 3)
    }

    /// A failure part-way through (here: a trigger refusing one outbox row) leaves neither the
    /// fired pairs nor any outbox row behind, so the next evaluation fires again: nothing lost.
    @Test func recordFiringIsAtomic() throws {
        let (store, folder) = try NotifyFixtures.temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        try store.db.execute("""
            CREATE TRIGGER refuse_boom BEFORE INSERT ON outbox WHEN NEW.sink = 'boom'
            BEGIN SELECT RAISE(ABORT, 'disk full'); END;
            """)
        let batch = [(NotifyFixtures.alert("a"), ["chat"]), (NotifyFixtures.alert("b"), ["chat", "boom"])]
        #expect(throws: StoreError.self) { try store.recordFiring(batch) }
        #expect(try store.firedCount() == 0)
        #expect(try store.outboxCounts() == OutboxCounts())
        try store.db.execute("DROP TRIGGER refuse_boom")
        #expect(try store.recordFiring(batch).count == 2)
        #expect(try store.outboxCounts().pending == 3)
    }

    /// A corrupt outbox row (hand-edited) is set aside as dead with the reason; the rest flows.
    @Test func corruptOutboxRowDoesNotBlockTheOthers() throws {
        let (store, folder) = try NotifyFixtures.temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try store.recordFiring([(NotifyFixtures.alert("a"), ["chat"]), (NotifyFixtures.alert("b"), ["chat"])])
        try store.db.execute("UPDATE outbox SET payload = '{\"id\": 1}' WHERE id = 1")
        let due = try store.dueDeliveries(now: Date().addingTimeInterval(1), limit: 10)
        #expect(due.map(\.id) == [2])
        let dead = try store.deadDeliveries(limit: 10)
        #expect(dead.isEmpty)  // its payload cannot be decoded for listing either
        #expect(try store.outboxCounts() == OutboxCounts(pending: 1, delivered: 0, dead: 1))
    }

    @Test func outboxLifecycle() throws {
        let (store, folder) = try NotifyFixtures.temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        let alert = NotifyFixtures.alert(template: "{{name}} lost {{loss_human}}", firedAt: Date(timeIntervalSince1970: 1_700_000_000.25))
        _ = try store.recordFiring([(alert, ["one", "two", "three"])])
        let now = Date()
        let due = try store.dueDeliveries(now: now, limit: 10)
        #expect(due.map(\.sink) == ["one", "three", "two"])
        #expect(due.first?.alert == alert)  // the whole alert survives storage, template included

        try store.markDelivered(due[0].id)
        try store.scheduleRetry(due[1].id, attempts: 1, next: now.addingTimeInterval(60), error: "HTTP 503")
        try store.markDead(due[2].id, error: "HTTP 404: no_service")
        #expect(try store.outboxCounts() == OutboxCounts(pending: 1, delivered: 1, dead: 1))
        #expect(try store.dueDeliveries(now: now, limit: 10).isEmpty)
        let later = try store.dueDeliveries(now: now.addingTimeInterval(61), limit: 10)
        #expect(later.map(\.attempts) == [1])
        #expect(later.first?.lastError == "HTTP 503")
        let dead = try store.deadDeliveries(limit: 5)
        #expect(dead.map(\.sink) == ["two"])
        #expect(dead.first?.lastError == "HTTP 404: no_service")
        #expect(try store.pendingSchedule().keys.sorted() == ["three"])
        #expect(try store.pruneDelivered(before: Date().addingTimeInterval(1)) == 1)
        #expect(try store.outboxCounts() == OutboxCounts(pending: 1, delivered: 0, dead: 1))
    }

    @Test func refusesANewerSchema() throws {
        let (store, folder) = try NotifyFixtures.temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        try store.db.execute("PRAGMA user_version = 99")
        store.close()
        #expect(throws: StoreError.newerSchema(found: 99, supported: StateStore.schemaVersion)) {
            try StateStore(path: StateStore.path(stateDir: folder.path))
        }
    }

    @Test func unopenablePathIsAClearError() {
        #expect {
            try StateStore(path: "/proc/hackwatch-cannot/hackwatch.sqlite")
        } throws: { error in
            (error as? StoreError)?.description.hasPrefix("cannot open state database /proc/hackwatch-cannot/hackwatch.sqlite") ?? false
        }
    }

    /// Two connections (daemon and `status`) see each other's commits.
    @Test func secondConnectionSeesCommits() throws {
        let (store, folder) = try NotifyFixtures.temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        let reader = try StateStore(path: StateStore.path(stateDir: folder.path))
        _ = try store.recordFiring([(NotifyFixtures.alert(), ["chat"])])
        #expect(try reader.outboxCounts().pending == 1)
    }
}
