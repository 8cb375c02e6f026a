/// Why the state database could not be used. Messages name the file, never secrets.
package enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The database file could not be opened or created.
    case open(path: String, message: String)
    /// A statement failed (`context` is the start of the SQL or the operation).
    case sqlite(context: String, message: String)
    /// The file was written by a newer hackwatch (schema version above what this build knows).
    case newerSchema(found: Int, supported: Int)
    /// A stored row could not be decoded (corrupt or hand-edited payload).
    case corruptRow(table: String, detail: String)
    /// The store was used after `close()`.
    case closed
    /// The file is not a database or is damaged (`SQLITE_NOTADB`, `SQLITE_CORRUPT`).
    case corrupt(path: String, message: String)
    /// The database cannot take a write (read-only or immutable file, full or read-only file
    /// system, I/O error); delivering without recording outcomes would re-send alerts.
    case notWritable(path: String, message: String)
    /// The file exists but holds no schema although the folder shows it held state before
    /// (a zero-length file after a crash or a bad copy): initialising it would re-fire every alert.
    case noSchema(path: String)
    /// A PostgreSQL call failed (`context`: the operation or the start of the SQL). The message
    /// is libpq's or the server's, with the connection string's password redacted.
    case postgres(context: String, message: String)
    /// A state-changing transaction was refused: this instance does not hold the leader lease
    /// (standby, lease lapsed, or another instance took over with a newer epoch).
    case notLeader(detail: String)
    /// The operation is not available on this backend yet.
    case unsupported(operation: String, backend: String)

    package var description: String {
        switch self {
        case .open(let path, let message): "cannot open state database \(path): \(message)"
        case .sqlite(let context, let message): "state database error (\(context)): \(message)"
        case .newerSchema(let found, let supported):
            "state database schema version \(found) is newer than this hackwatch supports (\(supported))"
        case .corruptRow(let table, let detail): "corrupt row in \(table): \(detail)"
        case .closed: "state database is closed"
        case .corrupt(let path, let message):
            "state database \(path) is corrupt (\(message)); stop hackwatch, keep a copy of the file, then try "
                + "`sqlite3 \(path) .recover > recovered.sql` or move it aside to start fresh (every incident is then "
                + "new and the first poll re-baselines)"
        case .notWritable(let path, let message):
            "state database \(path) is not writable (\(message)); hackwatch records every delivery there and "
                + "would re-send alerts without it: check free space, permissions, `lsattr`, read-only mounts"
        case .postgres(let context, let message): "PostgreSQL store error (\(context)): \(message)"
        case .notLeader(let detail): "not the leader: \(detail)"
        case .unsupported(let operation, let backend): "\(operation) is not supported on the \(backend) store yet"
        case .noSchema(let path):
            "state database \(path) is empty or has no hackwatch schema, but its folder shows earlier state "
                + "(a lock or -wal file): refusing to start as new, which would re-fire every alert; to start fresh "
                + "deliberately, stop hackwatch and delete \(path) with its -wal and -shm files"
        }
    }
}
