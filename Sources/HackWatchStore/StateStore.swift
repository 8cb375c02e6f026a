import CSQLite
import Foundation

/// hackwatch's durable state in one SQLite file (`state_dir/hackwatch.sqlite`, WAL mode):
/// seen incidents, per-feed poll state, fired (incident, rule) pairs and the delivery outbox.
///
/// Thread-safe: one connection, every call serialised under a lock. Several processes may open
/// the same file (the daemon and `hackwatch status`); SQLite's locking and a busy timeout keep
/// them consistent.
package final class StateStore: @unchecked Sendable {
    /// The schema version this build writes (`PRAGMA user_version`).
    package static let schemaVersion = 6

    private let lock = NSLock()
    private let connection: SQLiteConnection
    /// The file's schema version: `schemaVersion` once migrated; a read-only open (`status`)
    /// may see an older file, whose missing tables and columns read as empty.
    private(set) var fileVersion = StateStore.schemaVersion

    /// `state_dir/hackwatch.sqlite`.
    package static func path(stateDir: String) -> String {
        (stateDir as NSString).appendingPathComponent("hackwatch.sqlite")
    }

    /// Opens (creating when needed) the database at `path` and brings its schema up to date.
    /// The parent folder is created if missing.
    ///
    /// With `readOnly` (`hackwatch status`) nothing is written: no WAL pragma, no migration,
    /// no file created. With `requireSchema` a file without hackwatch's schema is refused rather
    /// than initialised (`.noSchema`): the caller has evidence it held state before. A writable
    /// open proves the file takes a commit (`.notWritable` otherwise), and a file that is not a
    /// database throws `.corrupt`.
    package init(path: String, readOnly: Bool = false, requireSchema: Bool = false) throws(StoreError) {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw .open(path: path, message: "cannot create folder \(folder)")
            }
        }
        connection = try SQLiteConnection(path: path, readOnly: readOnly)
        do throws(StoreError) {
            if readOnly {
                try checkVersion()
                return
            }
            if connection.isReadOnly {
                throw StoreError.notWritable(path: path, message: "the file can only be opened read-only")
            }
            // WAL: readers (status) never block the daemon's writes; NORMAL sync is durable in WAL
            // except for the very last commits on power loss, never corrupting.
            try connection.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;")
            if requireSchema, !(try hasSchema()) { throw StoreError.noSchema(path: path) }
            try migrate()
            // A commit that changes nothing but must reach the disk: an immutable file, a full or
            // read-only file system, an I/O error are found now, not after the first alert is sent.
            do {
                try connection.execute("PRAGMA user_version = \(Self.schemaVersion)")
            } catch {
                throw StoreError.notWritable(path: path, message: Self.message(error))
            }
        } catch {
            connection.close()
            if case .sqlite(_, let message) = error, [SQLITE_NOTADB, SQLITE_CORRUPT].contains(connection.lastCode) {
                throw .corrupt(path: path, message: message)
            }
            if case .sqlite(_, let message) = error, [SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN].contains(connection.lastCode) {
                throw .notWritable(path: path, message: message)
            }
            throw error
        }
    }

    private static func message(_ error: StoreError) -> String {
        if case .sqlite(_, let message) = error { return message }
        return "\(error)"
    }

    /// Whether the file holds any schema at all (a zero-length or blank file does not).
    private func hasSchema() throws(StoreError) -> Bool {
        var version = 0, tables = 0
        try connection.query("PRAGMA user_version") { row in version = Int(row.int(0)) }
        try connection.query("SELECT COUNT(*) FROM sqlite_master") { row in tables = Int(row.int(0)) }
        return version > 0 || tables > 0
    }

    private func checkVersion() throws(StoreError) {
        var version = 0
        try connection.query("PRAGMA user_version") { row in version = Int(row.int(0)) }
        if version > Self.schemaVersion { throw .newerSchema(found: version, supported: Self.schemaVersion) }
        fileVersion = version
    }

    /// Closes the connection; later calls throw `StoreError.closed`.
    package func close() {
        lock.lock()
        defer { lock.unlock() }
        connection.close()
    }

    /// The file's journal mode (`wal` once opened by hackwatch).
    package func journalMode() throws(StoreError) -> String {
        try locked { () throws(StoreError) in
            var mode = ""
            try connection.query("PRAGMA journal_mode") { row in mode = row.string(0) ?? "" }
            return mode
        }
    }

    func locked<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    var db: SQLiteConnection { connection }

    /// The single integer a `SELECT COUNT(*) …` returns.
    func count(_ sql: String) throws(StoreError) -> Int {
        try locked { () throws(StoreError) in
            var n = 0
            try db.query(sql) { row in n = Int(row.int(0)) }
            return n
        }
    }

    private func migrate() throws(StoreError) {
        var version = 0
        try connection.query("PRAGMA user_version") { row in version = Int(row.int(0)) }
        if version > Self.schemaVersion { throw .newerSchema(found: version, supported: Self.schemaVersion) }
        guard version < Self.schemaVersion else { return }
        try connection.transaction { () throws(StoreError) in
            // Additive steps: a version-1 file gains the story tables and keeps every row.
            if version < 1 { try connection.execute(Self.schemaV1) }
            if version < 2 { try connection.execute(Self.schemaV2) }
            if version < 3 { try connection.execute(Self.schemaV3) }
            if version < 5 {
                // Idempotent like the CREATE IF NOT EXISTS steps: a file whose user_version was
                // set back may have the columns already.
                try addColumn("incidents", "content_hash INTEGER")
                try addColumn("feed_state", "body_hash TEXT")
            }
            if version < 6 { try connection.execute(Self.schemaV6) }
            try connection.execute("PRAGMA user_version = \(Self.schemaVersion)")
        }
    }

    /// Version 5: change detection for steady-state polls. `incidents.content_hash` is the
    /// `Incident.contentHash` of the feed's record as last processed (NULL for rows saved
    /// before, or written by correlation only), `feed_state.body_hash` the last processed body's.
    private func addColumn(_ table: String, _ definition: String) throws(StoreError) {
        let column = definition.split(separator: " ").first.map(String.init) ?? definition
        var exists = false
        try connection.query("SELECT 1 FROM pragma_table_info('\(table)') WHERE name = ?", [.text(column)]) { _ in exists = true }
        if !exists { try connection.execute("ALTER TABLE \(table) ADD COLUMN \(definition)") }
    }

    // Dates are REAL unix seconds. JSON payloads are the Model's own JSON forms.
    private static let schemaV1 = """
        CREATE TABLE IF NOT EXISTS incidents (
            source TEXT NOT NULL,
            id TEXT NOT NULL,
            date REAL,
            seen_at REAL NOT NULL,
            payload TEXT NOT NULL,
            PRIMARY KEY (source, id)
        );
        CREATE INDEX IF NOT EXISTS incidents_date ON incidents(date);
        CREATE TABLE IF NOT EXISTS feed_state (
            feed TEXT PRIMARY KEY,
            etag TEXT,
            last_modified TEXT,
            first_poll_done INTEGER NOT NULL DEFAULT 0,
            polls INTEGER NOT NULL DEFAULT 0,
            failures INTEGER NOT NULL DEFAULT 0,
            consecutive_failures INTEGER NOT NULL DEFAULT 0,
            last_success REAL,
            last_attempt REAL,
            last_error TEXT,
            health_alerted INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS fired (
            alert_id TEXT PRIMARY KEY,
            incident_source TEXT NOT NULL,
            incident_id TEXT NOT NULL,
            rule TEXT NOT NULL,
            fired_at REAL NOT NULL
        );
        CREATE TABLE IF NOT EXISTS outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            alert_id TEXT NOT NULL,
            sink TEXT NOT NULL,
            payload TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt REAL NOT NULL,
            last_error TEXT,
            created_at REAL NOT NULL,
            finished_at REAL,
            UNIQUE (alert_id, sink)
        );
        CREATE INDEX IF NOT EXISTS outbox_due ON outbox(status, next_attempt);
        """
}
