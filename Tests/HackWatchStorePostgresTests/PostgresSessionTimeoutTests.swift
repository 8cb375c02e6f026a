import Dispatch
import Foundation
import Testing
import HackWatchStore
@testable import HackWatchStorePostgres
import TestSupport

/// A leader frozen inside a transaction (SIGSTOP, a stalled VM) must not hold up a takeover:
/// every connection of the store — the first one as much as a reconnect — carries the session
/// timeouts. The first connection once lacked them, and the standby then waited on the lease
/// row's lock for as long as the frozen leader stayed frozen.
@Suite(.serialized, .enabled(if: PostgresCluster.binFolder != nil, "needs PostgreSQL (make test installs it)"))
struct PostgresSessionTimeoutTests {
    @Test func aStandbyWaitsOnTheLeaseRowsLockForAThirdOfTheLeaseAtMost() throws {
        let pair = try LeasePair()
        defer { pair.close() }
        let (cluster, database, a, b) = (pair.cluster, pair.database, pair.a, pair.b)
        #expect(try a.acquireLease() == .leader(epoch: 1, newTerm: true))
        try cluster.psql(database, "UPDATE hackwatch_leader SET expires_at = clock_timestamp()")
        // Another session holds the row as a frozen leader's fenced write does, for 20 s.
        let holderDone = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            _ = try? cluster.psql(database, """
                SET application_name = 'frozen'; BEGIN; SELECT 1 FROM hackwatch_leader WHERE id = 1 FOR SHARE;
                SELECT pg_sleep(20); COMMIT
                """)
            holderDone.signal()
        }
        defer {
            _ = try? cluster.psql(database, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'frozen'")
            holderDone.wait()
        }
        #expect(waitUntil(timeout: 20, every: 0.05) {
            (try? cluster.psql(database, """
                SELECT count(*) FROM pg_locks l JOIN pg_stat_activity s USING (pid)
                WHERE s.application_name = 'frozen' AND l.relation = 'hackwatch_leader'::regclass
                """)) == "1"
        })
        do {
            let outcome = try b.acquireLease()
            Issue.record("b waited until the holder let go, then got \(outcome)")
        } catch {
            #expect("\(error)".contains("canceling statement due to lock timeout"), "\(error)")
        }
        _ = try cluster.psql(database, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'frozen'")
        #expect(try b.acquireLease() == .leader(epoch: 2, newTerm: true), "the row is free once the holder is gone")
    }

    @Test func aLeaderIdleInsideItsTransactionLosesItsSessionAfterAThirdOfTheLease() throws {
        let cluster = try PostgresCluster.shared()
        let database = try cluster.createDatabase()
        let a = try PostgresStore(conninfo: cluster.conninfo(database: database) + " application_name=stalled-a",
                                  leaseSeconds: 3, holder: "a")
        defer { a.close() }
        #expect(try a.acquireLease() == .leader(epoch: 1, newTerm: true))
        let entered = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            // Inside the fenced transaction (the lease row held FOR SHARE), a stalls.
            _ = try? a.fenced { (_, _) throws(StoreError) in
                entered.signal()
                _ = release.wait(timeout: .now() + 30)
            }
            done.signal()
        }
        entered.wait()
        let backends = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'stalled-a'"
        #expect(waitUntil(timeout: 15, every: 0.05) { (try? cluster.psql(database, backends)) == "0" },
                "the server ended a's session idle in its transaction")
        release.signal()
        done.wait()
    }
}
