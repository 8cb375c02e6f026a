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

    package var description: String {
        switch self {
        case .open(let path, let message): "cannot open state database \(path): \(message)"
        case .sqlite(let context, let message): "state database error (\(context)): \(message)"
        case .newerSchema(let found, let supported):
            "state database schema version \(found) is newer than this hackwatch supports (\(supported))"
        case .corruptRow(let table, let detail): "corrupt row in \(table): \(detail)"
        case .closed: "state database is closed"
        }
    }
}
