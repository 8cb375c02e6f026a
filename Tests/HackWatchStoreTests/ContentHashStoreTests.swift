import Foundation
import Testing
import HackWatchFixtures
@testable import HackWatchModel
@testable import HackWatchStore

/// Schema 5: per-record content hashes and the last body's hash, for steady-state polls.
@Suite struct ContentHashStoreTests {
    @Test func hashesAreStoredWithTheFeedsOwnRecordsOnly() throws {
        let (store, folder) = try NotifyFixtures.temporaryStore()
        defer { store.close(); try? FileManager.default.removeItem(at: folder) }
        let own = Incident(id: "a", source: "feed", name: "A")
        let other = Incident(id: "a", source: "other", name: "A")  // same id, another feed's row
        try store.saveIncidents([own, other], contentHashes: ["a": 42], of: "feed")
        #expect(try store.incidentHashes(source: "feed") == ["a": 42])
        #expect(try store.incidentHashes(source: "other") == ["a": Int64?.none] as [String: Int64?])
        // Saving without a hash (a correlation merge) keeps the stored one.
        var merged = own
        merged.sources = ["feed", "other"]
        try store.saveIncidents([merged])
        #expect(try store.incidentHashes(source: "feed") == ["a": 42])
        #expect(try store.incident(source: "feed", id: "a")?.sources == ["feed", "other"])
        try store.saveIncidents([own], contentHashes: ["a": -7], of: "feed")
        #expect(try store.incidentHashes(source: "feed") == ["a": -7])
        #expect(try store.incidentHashes(source: "none").isEmpty)
    }

    /// A feed's correlation candidates: other feeds' incidents in the date range, none of its own.
    @Test func incidentsSinceCanExcludeOneSource() throws {
        let (store, folder) = try NotifyFixtures.temporaryStore()
        defer { store.close(); try? FileManager.default.removeItem(at: folder) }
        let day = Date(timeIntervalSince1970: 1_700_000_000)
        try store.saveIncidents([
            Incident(id: "a", source: "feed", name: "A", date: day),
            Incident(id: "b", source: "other", name: "B", date: day),
            Incident(id: "c", source: "third", name: "C", date: day.addingTimeInterval(-86_400)),
            Incident(id: "d", source: "other", name: "D", date: day.addingTimeInterval(-10 * 86_400)),
        ])
        let since = day.addingTimeInterval(-2 * 86_400)
        #expect(try store.incidents(since: since).map(\.id) == ["c", "a", "b"])
        #expect(try store.incidents(since: since, excludingSource: "feed").map(\.id) == ["c", "b"])
        #expect(try store.incidents(since: since, excludingSource: "other").map(\.id) == ["c", "a"])
    }

    @Test func bodyHashIsPartOfTheFeedState() throws {
        let (store, folder) = try NotifyFixtures.temporaryStore()
        defer { store.close(); try? FileManager.default.removeItem(at: folder) }
        var state = FeedState(feed: "feed", firstPollDone: true)
        #expect(state.bodyHash == nil)
        state.bodyHash = "00ff00ff00ff00ff"
        try store.saveFeedState(state)
        #expect(try store.feedState("feed")?.bodyHash == "00ff00ff00ff00ff")
        state.bodyHash = nil
        try store.saveFeedState(state)
        #expect(try store.feedState("feed")?.bodyHash == nil)
    }

    /// A schema-2 file gains the columns and keeps its rows; its incidents have no hash yet.
    @Test func versionTwoDatabaseIsMigratedInPlace() throws {
        let (store, folder) = try NotifyFixtures.temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        try store.saveIncidents([Incident(id: "a", source: "feed", name: "A")])
        try store.saveFeedState(FeedState(feed: "feed", firstPollDone: true))
        store.close()
        let path = StateStore.path(stateDir: folder.path)
        let raw = try SQLiteConnection(path: path)
        try raw.execute("ALTER TABLE incidents DROP COLUMN content_hash; ALTER TABLE feed_state DROP COLUMN body_hash; PRAGMA user_version = 2;")
        raw.close()

        let reopened = try StateStore(path: path)
        defer { reopened.close() }
        var version = 0
        try reopened.db.query("PRAGMA user_version") { row in version = Int(row.int(0)) }
        #expect(version == StateStore.schemaVersion)
        #expect(try reopened.incidentHashes(source: "feed") == ["a": Int64?.none] as [String: Int64?])
        #expect(try reopened.feedState("feed")?.firstPollDone == true)
        #expect(try reopened.feedState("feed")?.bodyHash == nil)
    }
}
