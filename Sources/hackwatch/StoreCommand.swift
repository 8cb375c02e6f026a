import ArgumentParser
import Foundation
import HackWatchConfiguration
import HackWatchDaemon
import HackWatchStore
import HackWatchStorePostgres

/// `hackwatch store …`: moving state between backends.
struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "store", abstract: "Manage the state store.",
                                                    subcommands: [MigrateFromSQLite.self])
}

/// `hackwatch store migrate-from-sqlite --config C --sqlite FILE`: copies an SQLite state
/// (incidents, feed state and validators, fired pairs, outbox, stories and threads) into the
/// config's PostgreSQL store, so moving does not re-alert history.
struct MigrateFromSQLite: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-from-sqlite",
        abstract: "Copy an SQLite state database into the config's PostgreSQL store (every instance stopped).")

    @Option(name: [.customShort("c"), .long], help: ConfigFile.help) var config = ConfigFile.defaultPath
    @Option(help: "The SQLite state file (state_dir/hackwatch.sqlite).") var sqlite: String

    func validate() throws { try ConfigFile.validate(config) }

    func run() throws {
        let decoded = try loadConfigOrExit(config)
        guard let shared = decoded.postgres else {
            printError("\(config): no store.postgres in the config: nothing to migrate into")
            throw ExitCode.failure
        }
        guard FileManager.default.fileExists(atPath: sqlite) else {
            printError("\(sqlite): no such file")
            throw ExitCode.failure
        }
        do {
            let source = try StateDirectory.openStore(path: sqlite, readOnly: true)
            defer { source.close() }
            let export = try source.exportAll()
            let target = try SharedStore.open(shared)
            defer { target.close() }
            let counts = try target.importState(export)
            print("copied \(counts.incidents) incidents, \(counts.feeds) feed states, \(counts.fired) fired alerts, "
                + "\(counts.outbox) outbox rows, \(counts.stories) stories, \(counts.threads) thread references")
        } catch {
            printError("\(error)")
            throw ExitCode.failure
        }
    }
}
