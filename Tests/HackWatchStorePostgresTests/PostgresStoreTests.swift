import Foundation
import Testing
import HackWatchModel
import HackWatchStore
import HackWatchStorePostgres
import TestSupport

/// The PostgreSQL store against a real throwaway cluster: lease, fencing, claims, redaction.
@Suite(.serialized, .enabled(if: PostgresCluster.binFolder != nil, "needs PostgreSQL (make test installs it)"))
struct PostgresStoreTests {
    static func alert(_ n: Int) -> Alert {
        Alert(rule: "r", severity: .high, incident: Incident(id: "i\(n)", source: "s", name: "Hack \(n)", date: Date()))
    }

    @Test func onlyTheLeaseHolderWritesAndATakeoverFencesTheOldLeader() throws {
        let pair = try LeasePair()
        defer { pair.close() }
        let (cluster, database, a, b) = (pair.cluster, pair.database, pair.a, pair.b)
        #expect(try a.acquireLease() == .leader(epoch: 1, newTerm: true))
        #expect(try a.acquireLease() == .leader(epoch: 1, newTerm: false), "a renewal keeps the term")
        guard case .standby(let seen) = try b.acquireLease() else { Issue.record("b took a live lease"); return }
        #expect(seen.holder == "a" && seen.epoch == 1)
        #expect(throws: StoreError.notLeader(detail: "this instance holds no lease (standby)")) {
            try b.saveFeedState(FeedState(feed: "f"))
        }
        #expect(try a.recordFiring([(Self.alert(1), ["hook"])]).count == 1)
        #expect(try a.recordFiring([(Self.alert(1), ["hook"])]).isEmpty, "a pair fires once")
        // a claims the row, then its lease ends under it: b takes over, the claim returns to pending.
        let claimed = try a.dueDeliveries(now: Date(), limit: 10)
        #expect(claimed.count == 1)
        #expect(try b.pendingDeliveries(limit: 10).count == 1, "a claimed row still counts as pending")
        try cluster.psql(database, "UPDATE hackwatch_leader SET expires_at = clock_timestamp()")
        #expect(try b.acquireLease() == .leader(epoch: 2, newTerm: true))
        #expect(throws: StoreError.notLeader(detail: "the lease of epoch 1 was lost (expired or taken over)")) {
            try a.markDelivered(claimed[0].id)
        }
        let again = try b.dueDeliveries(now: Date(), limit: 10)
        #expect(again.map(\.id) == claimed.map(\.id), "the new term sends the old term's claimed row once more")
        try b.markDelivered(again[0].id)
        #expect(try b.outboxCounts() == OutboxCounts(pending: 0, delivered: 1, dead: 0))
    }

    @Test func aFailedConnectionNeverShowsThePassword() {
        // Nothing listens on port 1; libpq's message names host and port, never the password.
        do {
            _ = try PostgresStore(conninfo: "host=127.0.0.1 port=1 user=u dbname=d password=Very-Secret-99 connect_timeout=2")
            Issue.record("connected to nothing")
        } catch {
            #expect(error.description.hasPrefix("PostgreSQL store error (connect): "))
            #expect(!error.description.contains("Very-Secret-99"))
        }
        do {
            _ = try PostgresStore(conninfo: "postgresql://u:Other-Secret-42@127.0.0.1:1/d?connect_timeout=2")
            Issue.record("connected to nothing")
        } catch {
            #expect(!error.description.contains("Other-Secret-42"))
        }
    }
}
