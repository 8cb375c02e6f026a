import Foundation
import TestSupport
import HackWatchStore
import HackWatchStorePostgres

/// The same 1,000-alert fan-out as the SQLite figures, on the PostgreSQL store (a throwaway
/// cluster on loopback, fsync off like the tests'): every write is a fenced transaction and
/// every batch a `FOR UPDATE SKIP LOCKED` claim, so the difference is the shared store's price.
func benchNotifyPostgres(_ report: inout BenchReport, count: Int, receiver: BenchReceiver) {
    guard PostgresCluster.binFolder != nil else {
        report.note("notify.postgres: skipped (no PostgreSQL server installed: apt-get install postgresql)")
        return
    }
    do {
        let cluster = try PostgresCluster()
        let database = try cluster.createDatabase("bench")
        let store = try PostgresStore(conninfo: cluster.conninfo(database: database), leaseSeconds: 300)
        defer { store.close() }
        guard case .leader = try store.acquireLease() else {
            report.note("notify.postgres: could not take the lease")
            return
        }
        try benchFanOut(&report, store: store, alerts: benchAlerts(count: count), receiver: receiver,
                        prefix: "notify.postgres", backend: "PostgreSQL")
    } catch {
        report.note("notify.postgres bench failed: \(error)")
    }
}
