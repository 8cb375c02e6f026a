import CSQLite
import Foundation

/// A thin wrapper over one sqlite3 connection. Not thread-safe by itself: `StateStore`
/// serialises every use under its lock.
final class SQLiteConnection {
    private var handle: OpaquePointer?
    let path: String

    /// The last error's primary result code (`SQLITE_NOTADB`, `SQLITE_CORRUPT`, ...).
    private(set) var lastCode: Int32 = SQLITE_OK

    /// With `readOnly` the file is opened `SQLITE_OPEN_READONLY` and never created.
    init(path: String, readOnly: Bool = false) throws(StoreError) {
        self.path = path
        var db: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_FULLMUTEX
        let code = sqlite3_open_v2(path, &db, flags, nil)
        guard code == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(db)
            throw .open(path: path, message: message)
        }
        handle = db
        // Another process (a previous run, `status`) may hold the write lock briefly.
        sqlite3_busy_timeout(db, 10_000)
    }

    deinit { close() }

    /// SQLite silently opens a file it may not write read-only (permissions, `chattr +i`).
    var isReadOnly: Bool { handle.map { sqlite3_db_readonly($0, "main") == 1 } ?? true }

    func close() {
        guard let handle else { return }
        for statement in statements.values { sqlite3_finalize(statement) }
        statements.removeAll()
        sqlite3_close_v2(handle)
        self.handle = nil
    }

    private var db: OpaquePointer {
        get throws(StoreError) {
            guard let handle else { throw .closed }
            return handle
        }
    }

    private func lastError(_ context: String) -> StoreError {
        let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "database closed"
        lastCode = handle.map { sqlite3_errcode($0) & 0xFF } ?? SQLITE_MISUSE
        return .sqlite(context: context, message: message)
    }

    /// Runs one or more statements without results.
    func execute(_ sql: String) throws(StoreError) {
        var error: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(try db, sql, nil, nil, &error)
        if code != SQLITE_OK {
            lastCode = code & 0xFF
            let message = error.map { String(cString: $0) } ?? "error \(code)"
            sqlite3_free(error)
            throw .sqlite(context: String(sql.prefix(60)), message: message)
        }
    }

    /// Prepared statements by SQL text: a poll runs the same few statements hundreds of
    /// thousands of times, and parsing each anew cost more than running it.
    private var statements: [String: OpaquePointer] = [:]

    /// Prepares (once per SQL text), binds `values`, and calls `row` for every result row.
    func query(_ sql: String, _ values: [SQLiteValue] = [], row: (SQLiteRow) throws(StoreError) -> Void = { _ in }) throws(StoreError) {
        let statement: OpaquePointer
        if let cached = statements[sql] {
            statement = cached
        } else {
            var prepared: OpaquePointer?
            guard sqlite3_prepare_v2(try db, sql, -1, &prepared, nil) == SQLITE_OK, let prepared else {
                throw lastError(String(sql.prefix(60)))
            }
            // PRAGMAs and one-off statements are few; cap the cache all the same.
            if statements.count < 64 { statements[sql] = prepared }
            statement = prepared
        }
        let cached = statements[sql] == statement
        defer {
            if cached {
                sqlite3_reset(statement)
                sqlite3_clear_bindings(statement)
            } else {
                sqlite3_finalize(statement)
            }
        }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .null: code = sqlite3_bind_null(statement, index)
            case .integer(let n): code = sqlite3_bind_int64(statement, index, n)
            case .real(let d): code = sqlite3_bind_double(statement, index, d)
            case .text(let s):
                var copy = s
                code = copy.withUTF8 { buffer in
                    buffer.withMemoryRebound(to: CChar.self) { chars in
                        guard let base = chars.baseAddress else { return hw_sqlite3_bind_text(statement, index, "", 0) }
                        return hw_sqlite3_bind_text(statement, index, base, Int32(chars.count))
                    }
                }
            }
            guard code == SQLITE_OK else { throw lastError("bind") }
        }
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw lastError(String(sql.prefix(60))) }
            try row(SQLiteRow(statement: statement))
        }
    }

    /// Rows changed by the last INSERT/UPDATE/DELETE.
    var changes: Int { handle.map { Int(sqlite3_changes($0)) } ?? 0 }

    /// The rowid of the last INSERT.
    var lastInsertRowID: Int64 { handle.map { sqlite3_last_insert_rowid($0) } ?? 0 }

    /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT`, rolling back when it throws.
    func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }
}

/// A value bound to a statement parameter.
enum SQLiteValue {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    static func optional(_ s: String?) -> SQLiteValue { s.map(SQLiteValue.text) ?? .null }
    static func optional(_ d: Date?) -> SQLiteValue { d.map { .real($0.timeIntervalSince1970) } ?? .null }
    static func date(_ d: Date) -> SQLiteValue { .real(d.timeIntervalSince1970) }
    static func bool(_ b: Bool) -> SQLiteValue { .integer(b ? 1 : 0) }
}

/// One result row (valid only inside the `row` callback).
struct SQLiteRow {
    let statement: OpaquePointer

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }
    func int(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }
    func double(_ column: Int32) -> Double { sqlite3_column_double(statement, column) }
    func string(_ column: Int32) -> String? {
        guard let text = sqlite3_column_text(statement, column) else { return nil }
        let count = Int(sqlite3_column_bytes(statement, column))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }
    func date(_ column: Int32) -> Date? {
        isNull(column) ? nil : Date(timeIntervalSince1970: double(column))
    }
}
