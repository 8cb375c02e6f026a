import Foundation
import HackWatchModel

/// The optional shared store (`"store": {"postgres": {...}}`): several instances on one
/// PostgreSQL database, one of them leading. Absent: the SQLite file in `state_dir`.
package struct PostgresStoreConfig: Hashable, Sendable {
    /// The libpq connection string (it holds a password): `conninfo_file` or `conninfo_env`.
    /// Never logged; errors name the file or variable.
    package var conninfo: SecretSource
    /// How long a leader's lease lasts (default 30s); renewed at a third of it.
    package var lease: TimeSpan

    /// Keys of `store.postgres`.
    package static let keys = ["conninfo_file", "conninfo_env", "lease"]

    package init(conninfo: SecretSource, lease: TimeSpan = TimeSpan(seconds: 30)) {
        self.conninfo = conninfo
        self.lease = lease
    }
}

extension ConfigReader {
    /// The `store` object; nil when absent (SQLite) or invalid (problems reported).
    mutating func postgresStore(_ members: [String: JSONValue], at root: ConfigPath, resolver: PathResolver) -> PostgresStoreConfig? {
        guard let value = members["store"] else { return nil }
        let path = root.key("store")
        guard let object = object(value, at: path) else { return nil }
        rejectUnknownKeys(object, known: ["postgres"], at: path)
        guard let inner = object["postgres"] else {
            report(path, "expected \"postgres\": {...} (without a store object the SQLite file in state_dir is used)")
            return nil
        }
        let pgPath = path.key("postgres")
        guard let settings = self.object(inner, at: pgPath) else { return nil }
        rejectUnknownKeys(settings, known: PostgresStoreConfig.keys, at: pgPath)
        let file = string(settings, "conninfo_file", at: pgPath)
        let env = string(settings, "conninfo_env", at: pgPath)
        let source: SecretSource
        switch (file, env) {
        case (let file?, nil): source = .file(file.hasPrefix("$") ? file : resolver.resolve(file))
        case (nil, let env?): source = .environment(env)
        case (nil, nil):
            report(pgPath, "needs conninfo_file or conninfo_env (the connection string holds a password, so it is never written in the config)")
            return nil
        default:
            report(pgPath, "give exactly one of conninfo_file, conninfo_env")
            return nil
        }
        var config = PostgresStoreConfig(conninfo: source)
        if let lease = duration(settings, "lease", at: pgPath, positive: true) {
            if lease.seconds < 3 { report(pgPath.key("lease"), "must be at least 3s (it is renewed at a third of it)") }
            else { config.lease = lease }
        }
        return config
    }
}
