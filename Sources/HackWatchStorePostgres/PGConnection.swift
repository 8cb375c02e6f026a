import CLibPQ
import Foundation
import HackWatchStore

/// One value bound to a `$n` parameter, sent in text form.
enum PGValue {
    case text(String)
    case integer(Int64)
    /// Unix seconds (the schema keeps dates as `double precision`, like SQLite's REAL).
    case date(Date)
    case bool(Bool)
    case null

    static func optional(_ value: String?) -> PGValue { value.map(PGValue.text) ?? .null }
    static func optional(_ value: Date?) -> PGValue { value.map(PGValue.date) ?? .null }

    var text: String? {
        switch self {
        case .text(let value): value
        case .integer(let value): String(value)
        case .date(let value): String(value.timeIntervalSince1970)
        case .bool(let value): value ? "true" : "false"
        case .null: nil
        }
    }
}

/// One result row; columns in text form, decoded on access.
struct PGRow {
    fileprivate let result: OpaquePointer
    fileprivate let row: Int32

    func isNull(_ column: Int32) -> Bool { PQgetisnull(result, row, column) == 1 }
    func string(_ column: Int32) -> String? {
        guard !isNull(column), let value = PQgetvalue(result, row, column) else { return nil }
        return String(cString: value)
    }
    func int(_ column: Int32) -> Int64 { string(column).flatMap { Int64($0) } ?? 0 }
    func double(_ column: Int32) -> Double? { string(column).flatMap { Double($0) } }
    func date(_ column: Int32) -> Date? { double(column).map(Date.init(timeIntervalSince1970:)) }
    func bool(_ column: Int32) -> Bool { string(column) == "t" }
}

/// A thin wrapper over one libpq connection. Not thread-safe by itself: `PostgresStore`
/// serialises every use under its lock. Error messages pass through `redact`, so the
/// connection string's password never reaches a log or an error.
final class PGConnection {
    private var handle: OpaquePointer?
    private let conninfo: String
    private let redact: @Sendable (String) -> String

    /// Connects (a libpq connection string or `postgresql://` URI); throws `.postgres` with the
    /// server's words, redacted.
    init(conninfo: String, redact: @escaping @Sendable (String) -> String) throws(StoreError) {
        self.conninfo = conninfo
        self.redact = redact
        try connect()
    }

    deinit { close() }

    private func connect() throws(StoreError) {
        close()
        // connect_timeout: a dead host must not hold a lease renewal for libpq's default (forever).
        let conn = PQconnectdb(conninfo.contains("connect_timeout") || conninfo.contains("://") ? conninfo : conninfo + " connect_timeout=5")
        guard let conn, PQstatus(conn) == CONNECTION_OK else {
            let message = conn.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            PQfinish(conn)
            throw .postgres(context: "connect", message: redact(Self.trim(message)))
        }
        handle = conn
        // Notices (e.g. "relation already exists, skipping") would go to stderr unasked.
        _ = try? execute("SET client_min_messages = warning")
    }

    /// Whether the connection is up as far as libpq knows (a killed backend shows on next use).
    var isConnected: Bool { handle.map { PQstatus($0) == CONNECTION_OK } ?? false }

    /// Drops the connection and opens a new one.
    func reconnect() throws(StoreError) { try connect() }

    func close() {
        guard let handle else { return }
        PQfinish(handle)
        self.handle = nil
    }

    private static func trim(_ message: String) -> String {
        message.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\n", with: "; ")
    }

    /// Runs `sql` with `$1…` parameters; calls `row` per result row. Returns the affected row
    /// count (`UPDATE`/`INSERT`/`DELETE`).
    @discardableResult
    func query(_ sql: String, _ values: [PGValue] = [], row: ((PGRow) throws(StoreError) -> Void)? = nil) throws(StoreError) -> Int {
        guard let conn = handle else { throw .postgres(context: "connection", message: "not connected") }
        let texts = values.map { $0.text.map { strdup($0) } ?? nil }
        defer { for pointer in texts { free(pointer) } }
        let result: OpaquePointer? = texts.map { UnsafePointer($0) }.withUnsafeBufferPointer { buffer in
            PQexecParams(conn, sql, Int32(values.count), nil, buffer.baseAddress, nil, nil, 0)
        }
        guard let result else {
            throw .postgres(context: Self.context(sql), message: redact(Self.trim(String(cString: PQerrorMessage(conn)))))
        }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            throw .postgres(context: Self.context(sql), message: redact(Self.trim(String(cString: PQresultErrorMessage(result)))))
        }
        if let row {
            for index in 0..<PQntuples(result) { try row(PGRow(result: result, row: index)) }
        }
        return Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    /// Runs statements without parameters (schema scripts: several statements at once).
    func execute(_ sql: String) throws(StoreError) {
        guard let conn = handle else { throw .postgres(context: "connection", message: "not connected") }
        guard let result = PQexec(conn, sql) else {
            throw .postgres(context: Self.context(sql), message: redact(Self.trim(String(cString: PQerrorMessage(conn)))))
        }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            throw .postgres(context: Self.context(sql), message: redact(Self.trim(String(cString: PQresultErrorMessage(result)))))
        }
    }

    /// `body` inside BEGIN … COMMIT; rolled back when it throws.
    func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try execute("BEGIN")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// The first words of the statement, for error context.
    private static func context(_ sql: String) -> String {
        let words = sql.split(whereSeparator: \.isWhitespace).prefix(4).joined(separator: " ")
        return words.count > 60 ? String(words.prefix(60)) : words
    }

    /// The password (and the whole string) in `conninfo`, for redaction: libpq parses it, so
    /// key=value strings and URIs alike are understood.
    static func secrets(in conninfo: String) -> [String] {
        var found = [conninfo]
        var error: UnsafeMutablePointer<CChar>?
        if let options = PQconninfoParse(conninfo, &error) {
            var option = options
            while let keyword = option.pointee.keyword {
                if String(cString: keyword) == "password", let value = option.pointee.val {
                    let password = String(cString: value)
                    if !password.isEmpty { found.append(password) }
                }
                option += 1
            }
            PQconninfoFree(options)
        }
        if let error { PQfreemem(error) }
        return found.sorted { $0.count > $1.count }
    }
}
