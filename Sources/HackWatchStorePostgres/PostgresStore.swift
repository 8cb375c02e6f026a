import Dispatch
import Foundation
import HackWatchModel
import HackWatchStore

/// hackwatch's state in a shared PostgreSQL database, for several instances of which one leads
/// (`"store": {"postgres": {...}}`). The tables mirror the SQLite store's; a lease row with an
/// epoch says who leads, and every state-changing transaction checks it (fencing).
///
/// Thread-safe: one connection, every call serialised under a lock. A lost connection (a killed
/// backend, a restarted server) is reopened on the next call, at most once per backoff step; the
/// lease is tied to this instance's `holder`, not to a backend, so a reconnect keeps it.
package final class PostgresStore: @unchecked Sendable {
    /// The schema version this build writes (`hackwatch_schema.version`).
    package static let schemaVersion = 2

    let lock = NSLock()
    private let conninfo: String
    private let secrets: [String]
    var connection: PGConnection?
    /// This instance's name in the lease row: host, pid and a random part, so a restarted
    /// process is a new holder (it never inherits a lease it cannot know it held).
    package let holder: String
    /// How long a lease lasts.
    package let leaseSeconds: Double
    /// The lease this instance holds, as its own monotonic clock judges it.
    var lease: HeldLease?
    /// Reconnect backoff: no new attempt before this (uptime ns), doubling up to a third of the lease.
    private var nextConnectAttempt: UInt64 = 0
    private var connectBackoff: Double = 0.25

    /// The lease as this process holds it.
    struct HeldLease {
        var epoch: Int64
        /// Uptime (ns) by which the lease may have lapsed: the renewal's send time plus the lease.
        var validUntil: UInt64
    }

    /// Connects, creates or migrates the schema. `holder` defaults to `host:pid:random`.
    /// With `migrate: false` (`check`) nothing is written: a missing or older schema is reported
    /// by `storedSchemaVersion`, and a newer one throws `.newerSchema`.
    package init(conninfo: String, leaseSeconds: Double = 30, holder: String? = nil, migrate: Bool = true) throws(StoreError) {
        self.conninfo = conninfo
        self.secrets = PGConnection.secrets(in: conninfo)
        self.leaseSeconds = leaseSeconds
        self.holder = holder ?? "\(ProcessInfo.processInfo.hostName):\(getpid()):\(UInt32.random(in: 0...UInt32.max))"
        connection = try Self.openSession(conninfo: conninfo, secrets: secrets, leaseSeconds: leaseSeconds)
        if migrate { try self.migrate() } else if try storedSchemaVersion() > Self.schemaVersion {
            throw .newerSchema(found: try storedSchemaVersion(), supported: Self.schemaVersion)
        }
    }

    /// Replaces every secret part of the connection string in `text` (libpq's messages name
    /// host, port and user, which are not secrets, but never trust that).
    package func redact(_ text: String) -> String { Self.redactor(secrets)(text) }

    static func redactor(_ secrets: [String]) -> @Sendable (String) -> String {
        { text in secrets.reduce(text) { $1.isEmpty ? $0 : $0.replacingOccurrences(of: $1, with: "<redacted>") } }
    }

    /// Closes the connection; later calls reconnect.
    package func close() {
        lock.withLock {
            connection?.close()
            connection = nil
            lease = nil
        }
    }

    /// Runs `body` on a live connection under the lock, reconnecting first when needed (with
    /// backoff, so a down server is not hammered). A call that fails on a broken connection
    /// leaves it to be reopened by the next one.
    func locked<T>(_ body: (PGConnection) throws(StoreError) -> T) throws(StoreError) -> T {
        lock.lock()
        defer { lock.unlock() }
        let db = try liveConnection()
        do {
            return try body(db)
        } catch {
            if !db.isConnected { connection = nil }
            throw error
        }
    }

    private func liveConnection() throws(StoreError) -> PGConnection {
        if let connection, connection.isConnected { return connection }
        let now = DispatchTime.now().uptimeNanoseconds
        guard now >= nextConnectAttempt else {
            throw .postgres(context: "connect", message: "disconnected; next attempt in \(String(format: "%.1f", Double(nextConnectAttempt - now) / 1e9))s")
        }
        do {
            connection?.close()
            let fresh = try Self.openSession(conninfo: conninfo, secrets: secrets, leaseSeconds: leaseSeconds)
            connection = fresh
            connectBackoff = 0.25
            return fresh
        } catch {
            connection = nil
            nextConnectAttempt = now + UInt64(connectBackoff * 1e9)
            connectBackoff = min(max(0.25, leaseSeconds / 3), connectBackoff * 2)
            throw error
        }
    }

    /// Opens a connection with the session settings every connection of the store needs — the
    /// first one as much as a reconnect (the first one once lacked them, so a leader frozen inside
    /// a transaction blocked the standby's takeover until it resumed).
    ///
    /// A process frozen inside a transaction (SIGSTOP, a stalled VM) would hold its row locks —
    /// the lease row's FOR SHARE among them — and block the standby's takeover until it resumed.
    /// Every transaction here is a few statements issued back to back, so the server may end a
    /// session idle in one for a third of the lease; the frozen process finds its connection gone
    /// when it resumes, and fencing does the rest. lock_timeout keeps a lease attempt from
    /// waiting on a lock past the renewal interval.
    static func openSession(conninfo: String, secrets: [String], leaseSeconds: Double) throws(StoreError) -> PGConnection {
        let fresh = try PGConnection(conninfo: conninfo, redact: redactor(secrets))
        let third = max(100, Int(leaseSeconds * 1000 / 3))
        do {
            try fresh.execute("SET idle_in_transaction_session_timeout = \(third); SET lock_timeout = \(third)")
        } catch {
            fresh.close()
            throw error
        }
        return fresh
    }

    /// Whether the store is connected now (for `status` and `/-/ready`; no round trip).
    package var isConnected: Bool { lock.withLock { connection?.isConnected ?? false } }

    /// The single integer a `SELECT COUNT(*) …` returns.
    func count(_ sql: String, _ values: [PGValue] = []) throws(StoreError) -> Int {
        try locked { (db) throws(StoreError) in
            var n = 0
            try db.query(sql, values) { row in n = Int(row.int(0)) }
            return n
        }
    }

    private func migrate() throws(StoreError) {
        try locked { (db) throws(StoreError) in
            try db.transaction { () throws(StoreError) in
                // One migrator at a time: two instances starting together must not both create.
                try db.execute("SELECT pg_advisory_xact_lock(7368617)")
                try db.execute("CREATE TABLE IF NOT EXISTS hackwatch_schema (version INTEGER NOT NULL)")
                var version = 0
                try db.query("SELECT COALESCE(MAX(version), 0) FROM hackwatch_schema") { row in version = Int(row.int(0)) }
                if version > Self.schemaVersion { throw StoreError.newerSchema(found: version, supported: Self.schemaVersion) }
                guard version < Self.schemaVersion else { return }
                if version < 1 { try db.execute(Self.schemaV1) }
                // Version 2: change detection for steady-state polls, as SQLite's schema 5.
                if version < 2 {
                    try db.execute("""
                        ALTER TABLE incidents ADD COLUMN IF NOT EXISTS content_hash BIGINT;
                        ALTER TABLE feed_state ADD COLUMN IF NOT EXISTS body_hash TEXT
                        """)
                }
                try db.execute("DELETE FROM hackwatch_schema")
                try db.query("INSERT INTO hackwatch_schema (version) VALUES ($1)", [.integer(Int64(Self.schemaVersion))])
            }
        }
    }

    /// The schema version found in the database (for `check`).
    package func storedSchemaVersion() throws(StoreError) -> Int {
        guard try count("SELECT COUNT(*) FROM pg_tables WHERE tablename = 'hackwatch_schema' AND schemaname = current_schema()") > 0 else {
            return 0
        }
        return try count("SELECT COALESCE(MAX(version), 0) FROM hackwatch_schema")
    }

    /// "database D on host:port (PostgreSQL 15.x)": what `check` reports; no password.
    package func serverDescription() throws(StoreError) -> String {
        try locked { (db) throws(StoreError) in
            var text = ""
            try db.query("""
                SELECT current_database(), COALESCE(host(inet_server_addr()), 'local socket'), COALESCE(inet_server_port(), 0),
                       current_setting('server_version')
                """) { row in
                text = "database \(row.string(0) ?? "?") on \(row.string(1) ?? "?")\(row.int(2) == 0 ? "" : ":\(row.int(2))") "
                    + "(PostgreSQL \(row.string(3) ?? "?"))"
            }
            return redact(text)
        }
    }

    // Dates are unix seconds (double precision), as in the SQLite file. `epoch` columns record
    // the leader term that wrote a row; `hackwatch_terms` keeps each term's first and last write
    // (from the server's clock), so fencing can be checked from the database.
    static let schemaV1 = """
        CREATE TABLE IF NOT EXISTS hackwatch_leader (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            holder TEXT NOT NULL,
            epoch BIGINT NOT NULL,
            expires_at TIMESTAMPTZ NOT NULL,
            acquired_at TIMESTAMPTZ NOT NULL
        );
        CREATE TABLE IF NOT EXISTS hackwatch_terms (
            epoch BIGINT PRIMARY KEY,
            holder TEXT NOT NULL,
            started_at TIMESTAMPTZ NOT NULL,
            last_write_at TIMESTAMPTZ,
            writes BIGINT NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS incidents (
            source TEXT NOT NULL,
            id TEXT NOT NULL,
            date DOUBLE PRECISION,
            seen_at DOUBLE PRECISION NOT NULL,
            payload TEXT NOT NULL,
            epoch BIGINT NOT NULL DEFAULT 0,
            PRIMARY KEY (source, id)
        );
        CREATE INDEX IF NOT EXISTS incidents_date ON incidents(date);
        CREATE TABLE IF NOT EXISTS feed_state (
            feed TEXT PRIMARY KEY,
            etag TEXT,
            last_modified TEXT,
            first_poll_done BOOLEAN NOT NULL DEFAULT false,
            polls BIGINT NOT NULL DEFAULT 0,
            failures BIGINT NOT NULL DEFAULT 0,
            consecutive_failures BIGINT NOT NULL DEFAULT 0,
            last_success DOUBLE PRECISION,
            last_attempt DOUBLE PRECISION,
            last_error TEXT,
            health_alerted BOOLEAN NOT NULL DEFAULT false,
            epoch BIGINT NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS fired (
            alert_id TEXT PRIMARY KEY,
            incident_source TEXT NOT NULL,
            incident_id TEXT NOT NULL,
            rule TEXT NOT NULL,
            fired_at DOUBLE PRECISION NOT NULL,
            epoch BIGINT NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS outbox (
            id BIGSERIAL PRIMARY KEY,
            alert_id TEXT NOT NULL,
            sink TEXT NOT NULL,
            payload TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'delivered', 'dead')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt DOUBLE PRECISION NOT NULL,
            last_error TEXT,
            created_at DOUBLE PRECISION NOT NULL,
            finished_at DOUBLE PRECISION,
            epoch BIGINT NOT NULL DEFAULT 0,
            claim_epoch BIGINT,
            finished_epoch BIGINT,
            UNIQUE (alert_id, sink)
        );
        CREATE INDEX IF NOT EXISTS outbox_due ON outbox(status, next_attempt);
        CREATE TABLE IF NOT EXISTS stories (
            story TEXT PRIMARY KEY,
            incident_source TEXT NOT NULL,
            incident_id TEXT NOT NULL,
            revision INTEGER NOT NULL,
            snapshot TEXT NOT NULL,
            rules TEXT NOT NULL,
            started_at DOUBLE PRECISION NOT NULL,
            headline TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS threads (
            story TEXT NOT NULL,
            sink TEXT NOT NULL,
            reference TEXT NOT NULL,
            PRIMARY KEY (story, sink)
        );
        """
}
