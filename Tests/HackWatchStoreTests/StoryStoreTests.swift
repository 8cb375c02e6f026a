import Foundation
import Testing
import HackWatchFixtures
@testable import HackWatchModel
@testable import HackWatchStore

@Suite struct StoryStoreTests {
    /// A schema-1 file (before stories) opens: it is migrated to 2 and keeps its rows.
    @Test func versionOneDatabaseIsMigratedInPlace() throws {
        let (store, folder) = try NotifyFixtures.temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try store.recordFiring([(NotifyFixtures.alert(), ["chat"])])
        store.close()
        let path = StateStore.path(stateDir: folder.path)
        let raw = try SQLiteConnection(path: path)
        try raw.execute("DROP TABLE stories; DROP TABLE threads; PRAGMA user_version = 1;")
        raw.close()

        let reopened = try StateStore(path: path)
        defer { reopened.close() }
        var version = 0
        try reopened.db.query("PRAGMA user_version") { row in version = Int(row.int(0)) }
        #expect(version == StateStore.schemaVersion && version == 4)
        let pending = try reopened.pendingDeliveries(limit: 10)
        #expect(pending.count == 1 && pending.first?.alert.revision == 0 && pending.first?.alert.story == pending.first?.alert.id)
        #expect(try reopened.story("nothing") == nil)
        #expect(try reopened.threadAnchor(story: "nothing", sink: "chat") == ThreadAnchor())
    }

    /// A revision that is not its story's next one (a replayed batch) is skipped.
    @Test func staleRevisionIsSkipped() throws {
        let (store, folder) = try NotifyFixtures.temporaryStore()
        defer { store.close(); try? FileManager.default.removeItem(at: folder) }
        var alert = NotifyFixtures.alert()
        alert.story = "s1"
        alert.id = "s1"
        let state = StoryState(story: "s1", revision: 0, snapshot: alert.incident, rules: [alert.rule], startedAt: Date(), headline: "h")
        let first = StoryFiring(state: state, alerts: [(alert, ["chat"])], incident: alert.incident, newRules: [alert.rule])
        #expect(try store.recordStories([first]).count == 1)
        #expect(try store.recordStories([first]).isEmpty)
        var update = alert
        update.id = "s1-u1"
        update.revision = 1
        var next = state
        next.revision = 1
        let firing = StoryFiring(state: next, alerts: [(update, ["chat"])], incident: alert.incident, newRules: [])
        #expect(try store.recordStories([firing]).count == 1)
        #expect(try store.recordStories([firing]).isEmpty)
        #expect(try store.story("s1")?.revision == 1)
        #expect(try store.pendingDeliveries(limit: 10).map(\.alert.id) == ["s1", "s1-u1"])
    }
}
