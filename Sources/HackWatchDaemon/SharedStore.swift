import Foundation
import HackWatchConfiguration
import HackWatchStore
import HackWatchStorePostgres

/// Why the shared (PostgreSQL) store of `store.postgres` cannot be used. Never holds the
/// connection string: the secret's source is named, libpq's messages are redacted.
package enum SharedStoreError: Error, CustomStringConvertible {
    /// `conninfo_file` / `conninfo_env` cannot be read.
    case conninfo(SecretError)
    /// The database refused the connection or the schema (the store's words, redacted).
    case store(StoreError)

    package var description: String {
        switch self {
        case .conninfo(let error): "store.postgres: \(error)"
        case .store(let error): "\(error)"
        }
    }
}

/// Opening and describing the shared store.
package enum SharedStore {
    /// Connects to the database of `config` and brings its schema up to date.
    package static func open(_ config: PostgresStoreConfig, environment: [String: String] = ProcessInfo.processInfo.environment,
                             holder: String? = nil, migrate: Bool = true) throws(SharedStoreError) -> PostgresStore {
        let conninfo: String
        do { conninfo = try config.conninfo.resolve(environment: environment) } catch { throw .conninfo(error) }
        do { return try PostgresStore(conninfo: conninfo, leaseSeconds: config.lease.seconds, holder: holder, migrate: migrate) } catch {
            throw .store(error)
        }
    }

    /// What `check` says of the shared store: problems (empty: fine) and report lines.
    package static func check(_ config: PostgresStoreConfig, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> (problems: [String], report: [String]) {
        do {
            let store = try open(config, environment: environment, migrate: false)
            defer { store.close() }
            let version = try store.storedSchemaVersion()
            let schema = version == 0 ? "no hackwatch schema yet (run creates it)"
                : version < PostgresStore.schemaVersion ? "schema version \(version) (run migrates it to \(PostgresStore.schemaVersion))"
                : "schema version \(version)"
            var report = ["store: PostgreSQL \(try store.serverDescription()), \(schema), lease \(config.lease)"]
            if version > 0 { report += leaderLines(store) }
            return ([], report)
        } catch {
            return (["\(error)"], [])
        }
    }

    /// `status` / `check` lines about the lease: who leads, the epoch, when the lease ends.
    package static func leaderLines(_ store: PostgresStore, now: Date = Date()) -> [String] {
        do {
            guard let lease = try store.currentLeader() else { return ["leader: none yet (no instance has led this database)"] }
            let when = lease.expired
                ? "expired \(StatusReport.ago(lease.expiresAt, now: now))"
                : "expires in \(String(format: "%.1f", lease.expiresAt.timeIntervalSince(now)))s"
            return ["leader: \(lease.holder) (epoch \(lease.epoch)), lease \(when)"]
        } catch {
            return ["leader: unknown (\(error))"]
        }
    }
}
