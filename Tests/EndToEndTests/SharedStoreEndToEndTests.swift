import Foundation
import Testing
import TestSupport

/// Two instances on one PostgreSQL database (`store.postgres`), the real binary, a throwaway
/// cluster, the real DefiLlama snapshot with `baseline: 0s` (51 hacks of $50M or more).
@Suite(.serialized, .enabled(if: SharedFeeds.defiLlamaSnapshot != nil && PostgresCluster.binFolder != nil,
                             "needs the shared DefiLlama snapshot and PostgreSQL (make test installs it)"))
struct SharedStoreEndToEndTests {
    /// Alerts the snapshot raises under the harness's rule.
    static let expectedAlerts = 51

    @Test func twoDaemonsOnOneDatabaseDeliverEveryAlertExactlyOnce() throws {
        let harness = try SharedStoreHarness(cluster: try PostgresCluster.shared())
        defer { harness.stopAll() }
        try harness.start("a")
        try harness.start("b")
        let leader = try #require(harness.waitForLeader(among: ["a", "b"]))
        #expect(harness.waitForAllDelivered(minimum: Self.expectedAlerts))
        Thread.sleep(forTimeInterval: 2)  // another poll by the leader: nothing new to send
        let got = harness.deliveries
        #expect(got.count == Self.expectedAlerts)
        #expect(Set(got.map(\.id)).count == Self.expectedAlerts)
        #expect(Set(got.map(\.path)) == ["/\(leader)"], "only the leader delivers")
        let standby = leader == "a" ? "b" : "a"
        #expect(harness.log(standby).contains("standing by"))

        // status names the leader and its epoch; check connects; neither shows the password.
        let status = try Binary.run(["status", "--config", harness.dir(standby).appendingPathComponent("config.json").path])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("state: PostgreSQL"))
        #expect(status.stdout.contains("(epoch 1), lease expires in"))
        #expect(status.stdout.contains("deliveries: 0 pending, \(Self.expectedAlerts) delivered, 0 dead"))
        let check = try Binary.run(["check", "--config", harness.dir(standby).appendingPathComponent("config.json").path])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("store: PostgreSQL database \(harness.database) on 127.0.0.1:\(harness.cluster.port)"))
        #expect(check.stdout.contains("schema version 2"))
        for text in [status.stdout, status.stderr, check.stdout, check.stderr, harness.log("a"), harness.log("b")] {
            #expect(!text.contains(SharedStoreHarness.password))
        }
    }

    @Test func killNineOfTheLeaderMidDeliveryTheStandbyTakesOverWithinTheLease() throws {
        let harness = try SharedStoreHarness(cluster: try PostgresCluster.shared(), delay: 0.1)
        defer { harness.stopAll() }
        try harness.startLeaderAThenB(standbyLogged: true)
        harness.signal("a", SIGKILL)
        let killed = Date()
        #expect(harness.waitForLeader(among: ["b"]) == "b")
        #expect(harness.waitForAllDelivered(minimum: Self.expectedAlerts))
        let got = harness.deliveries
        let firstByB = try #require(got.first { $0.path == "/b" })
        // The lease is 3s, renewed every 1s; the standby looks every 0.3s.
        #expect(firstByB.at.timeIntervalSince(killed) < 3 + 1.5)
        #expect(Set(got.map(\.id)).count == Self.expectedAlerts, "nothing lost")
        #expect(harness.repeats <= 1, "at most one repeat per sink per failover")
        #expect(harness.lateWritesAfterTakeover == 0)
    }

    @Test func aLeaderFrozenPastItsLeaseWritesAndSendsNothingAfterTheTakeover() throws {
        let harness = try SharedStoreHarness(cluster: try PostgresCluster.shared(), delay: 0.1)
        defer { harness.stopAll() }
        try harness.startLeaderAThenB(standbyLogged: true)
        harness.signal("a", SIGSTOP)
        let stopped = Date()
        #expect(harness.waitForLeader(among: ["b"]) == "b", """
            b did not take over; a is pid \(harness.pid("a").map(String.init) ?? "?"), the lease row (holder, epoch, \
            expires_at, now): \(harness.sql("SELECT holder, epoch, expires_at, clock_timestamp() FROM hackwatch_leader")), \
            backends: \(harness.sql("SELECT application_name, state, wait_event_type, left(query, 60) FROM pg_stat_activity WHERE datname = current_database()"))
            b's log:
            \(harness.log("b"))
            """)
        Thread.sleep(forTimeInterval: max(0, 4.5 - Date().timeIntervalSince(stopped)))
        let resumed = Date()
        harness.signal("a", SIGCONT)
        #expect(harness.waitForAllDelivered(minimum: Self.expectedAlerts))
        Thread.sleep(forTimeInterval: 2)
        let got = harness.deliveries
        #expect(!got.contains { $0.path == "/a" && $0.at > resumed.addingTimeInterval(0.05) }, "the old leader sends nothing after SIGCONT")
        #expect(Set(got.map(\.id)).count == Self.expectedAlerts)
        #expect(harness.repeats <= 1)
        #expect(harness.lateWritesAfterTakeover == 0, "the old leader writes nothing after the new epoch starts")
        #expect(harness.sqlInt("SELECT max(epoch) FROM hackwatch_terms") == 2)
        #expect(waitUntil(timeout: 10) { harness.log("a").contains("lease lapsed") || harness.log("a").contains("standing by") })
    }

    @Test func theLeadersBackendTerminatedItReconnectsAndNothingIsLostOrRepeatedTwice() throws {
        let harness = try SharedStoreHarness(cluster: try PostgresCluster.shared(), delay: 0.05)
        defer { harness.stopAll() }
        try harness.startLeaderAThenB(standbyLogged: false)
        let killed = harness.sqlInt("""
            SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = current_database() AND application_name = 'hw-a') t
            """)
        #expect(killed == 1)
        #expect(harness.waitForAllDelivered(minimum: Self.expectedAlerts))
        #expect(Set(harness.deliveries.map(\.id)).count == Self.expectedAlerts)
        #expect(harness.repeats <= 1)
        #expect(harness.lateWritesAfterTakeover == 0)
        // a reconnected (a fresh backend under its application_name)
        #expect(waitUntil(timeout: 10) {
            harness.sqlInt("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'hw-a'") == 1
        })
    }

    @Test func postgresRestartedUnderARunningPairBothReconnectAndOneLeads() throws {
        let cluster = try PostgresCluster()
        let harness = try SharedStoreHarness(cluster: cluster, delay: 0.05)
        defer { harness.stopAll() }
        try harness.startLeaderAThenB(standbyLogged: false)
        try cluster.stop()
        Thread.sleep(forTimeInterval: 1.5)
        try cluster.start()
        #expect(harness.waitForAllDelivered(minimum: Self.expectedAlerts))
        #expect(Set(harness.deliveries.map(\.id)).count == Self.expectedAlerts, "nothing lost")
        #expect(harness.repeats <= 1)
        #expect(harness.lateWritesAfterTakeover == 0)
        #expect(harness.log("a").contains("PostgreSQL store error") || harness.log("a").contains("cannot renew"))
        // Both reconnect: one leads, the other stands by, and both are connected.
        #expect(waitUntil(timeout: 15) {
            harness.sqlInt("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'hw-%'") == 2
        })
        let status = try Binary.run(["status", "--config", harness.dir("b").appendingPathComponent("config.json").path])
        #expect(status.stdout.contains("lease expires in"))
    }

    @Test func migrateFromSQLiteCopiesTheStateSoNothingReAlerts() throws {
        let harness = try SharedStoreHarness(cluster: try PostgresCluster.shared())
        defer { harness.stopAll() }
        // An SQLite instance delivers everything once…
        let pgConfig = try harness.writeConfig("a")
        let text = try String(contentsOf: pgConfig, encoding: .utf8)
        let sqliteConfig = harness.dir("a").appendingPathComponent("sqlite.json")
        try text.replacingOccurrences(of: "\"store\": {\"postgres\": {\"conninfo_file\": \"conninfo\", \"lease\": \"3s\"}},", with: "")
            .write(to: sqliteConfig, atomically: true, encoding: .utf8)
        let once = try Binary.run(["once", "--config", sqliteConfig.path])
        #expect(once.status == 0, "\(once.stderr)")
        #expect(harness.deliveries.count == Self.expectedAlerts)
        // …its state moves to PostgreSQL…
        let sqlite = harness.dir("a").appendingPathComponent("state/hackwatch.sqlite").path
        let migrate = try Binary.run(["store", "migrate-from-sqlite", "--config", pgConfig.path, "--sqlite", sqlite])
        #expect(migrate.status == 0, "\(migrate.stderr)")
        #expect(migrate.stdout.contains("\(Self.expectedAlerts) fired alerts, \(Self.expectedAlerts) outbox rows"))
        #expect(!migrate.stdout.contains(SharedStoreHarness.password) && !migrate.stderr.contains(SharedStoreHarness.password))
        // …a second copy is refused…
        let again = try Binary.run(["store", "migrate-from-sqlite", "--config", pgConfig.path, "--sqlite", sqlite])
        #expect(again.status == 1)
        #expect(again.stderr.contains("already holds hackwatch state"))
        // …and an instance on PostgreSQL leads, polls, and sends nothing again.
        try harness.start("a")
        #expect(harness.waitForLeader(among: ["a"]) == "a")
        #expect(waitUntil(timeout: 20) { harness.sqlInt("SELECT polls FROM feed_state WHERE feed = 'llama'") >= 3 })
        #expect(harness.deliveries.count == Self.expectedAlerts)
        #expect(harness.sqlInt("SELECT count(*) FROM fired") == Self.expectedAlerts)
    }
}
