import HackWatchStorePostgres
import TestSupport

/// Two stores, holders "a" and "b", on a fresh database of the shared test cluster with a 3 s
/// lease: the opening of every lease and takeover test. Close both when done.
struct LeasePair {
    let cluster: PostgresCluster
    let database: String
    let a: PostgresStore
    let b: PostgresStore

    init() throws {
        cluster = try PostgresCluster.shared()
        database = try cluster.createDatabase()
        let conninfo = cluster.conninfo(database: database)
        a = try PostgresStore(conninfo: conninfo, leaseSeconds: 3, holder: "a")
        b = try PostgresStore(conninfo: conninfo, leaseSeconds: 3, holder: "b")
    }

    func close() { a.close(); b.close() }
}
