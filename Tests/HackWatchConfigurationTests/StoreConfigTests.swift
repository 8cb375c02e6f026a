import Foundation
import Testing
import HackWatchConfiguration
import HackWatchModel

/// `store.postgres`: the shared store's connection string source and lease.
struct StoreConfigTests {
    @Test func readsConninfoFileAndLease() throws {
        let config = try HackWatchConfigTests.decode(#"{"store": {"postgres": {"conninfo_file": "pg.conninfo", "lease": "15s"}}}"#)
        #expect(config.postgres == PostgresStoreConfig(conninfo: .file("/etc/hackwatch/pg.conninfo"), lease: TimeSpan(seconds: 15)))
        let env = try HackWatchConfigTests.decode(#"{"store": {"postgres": {"conninfo_env": "HW_PG"}}}"#)
        #expect(env.postgres == PostgresStoreConfig(conninfo: .environment("HW_PG"), lease: TimeSpan(seconds: 30)))
        let credential = try HackWatchConfigTests.decode(#"{"store": {"postgres": {"conninfo_file": "$CREDENTIALS_DIRECTORY/pg"}}}"#)
        #expect(credential.postgres?.conninfo == .file("$CREDENTIALS_DIRECTORY/pg"))
        #expect(try HackWatchConfigTests.decode("{}").postgres == nil, "SQLite unless configured")
    }

    static let errorCases: [(String, [String])] = [
        (#"{"store": "postgres"}"#, ["$.store: expected an object, got string"]),
        (#"{"store": {}}"#, [#"$.store: expected "postgres": {...} (without a store object the SQLite file in state_dir is used)"#]),
        (#"{"store": {"postgres": {}}}"#,
         ["$.store.postgres: needs conninfo_file or conninfo_env (the connection string holds a password, so it is never written in the config)"]),
        (#"{"store": {"postgres": {"conninfo": "host=db password=x"}}}"#,
         ["$.store.postgres.conninfo: unknown key 'conninfo'; did you mean 'conninfo_file'?",
          "$.store.postgres: needs conninfo_file or conninfo_env (the connection string holds a password, so it is never written in the config)"]),
        (#"{"store": {"postgres": {"conninfo_file": "a", "conninfo_env": "B"}}}"#, ["$.store.postgres: give exactly one of conninfo_file, conninfo_env"]),
        (#"{"store": {"postgres": {"conninfo_env": "B", "lease": "2s"}}}"#, ["$.store.postgres.lease: must be at least 3s (it is renewed at a third of it)"]),
        (#"{"store": {"sqlite": {}}}"#,
         ["$.store.sqlite: unknown key 'sqlite'", #"$.store: expected "postgres": {...} (without a store object the SQLite file in state_dir is used)"#]),
    ]

    @Test(arguments: errorCases)
    func reportsEveryProblemWithItsPath(json: String, expected: [String]) {
        #expect(HackWatchConfigTests.problems(json) == expected)
    }

    /// The password in a conninfo never reaches an error message (only the source is named).
    @Test func conninfoSourceDescriptionHidesTheValue() {
        #expect(SecretSource.literal("host=db password=hunter2").description == "<secret>")
    }
}
