import Foundation

/// A throwaway PostgreSQL cluster for tests: `initdb` in a temp folder as an unprivileged user
/// (`nobody` when the tests run as root, as in CI: the server refuses to run as root), the
/// server on a free loopback port with its socket in the same folder, trust authentication.
/// Binaries from `/usr/lib/postgresql/<newest>/bin` (Debian's `postgresql` package).
public final class PostgresCluster: @unchecked Sendable {
    public let dir: URL
    public let port: Int
    private let bin: String
    private var dataDir: String { dir.appendingPathComponent("data").path }
    private var socketDir: String { dir.appendingPathComponent("sock").path }
    private static let lock = NSLock()
    nonisolated(unsafe) private static var sharedCluster: PostgresCluster?

    /// Why no cluster could be started.
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    /// One cluster per test process, started on first use (each test takes its own database).
    public static func shared() throws -> PostgresCluster {
        try lock.withLock {
            if let sharedCluster { return sharedCluster }
            let cluster = try PostgresCluster()
            sharedCluster = cluster
            return cluster
        }
    }

    /// The newest installed server's bin folder, or nil.
    public static var binFolder: String? {
        let base = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []).compactMap(Int.init).sorted()
        guard let newest = versions.last else { return nil }
        let bin = "\(base)/\(newest)/bin"
        return FileManager.default.isExecutableFile(atPath: bin + "/initdb") ? bin : nil
    }

    /// Creates and starts a new cluster.
    public init() throws {
        guard let bin = Self.binFolder else { throw Unavailable(description: "no PostgreSQL server in /usr/lib/postgresql (apt-get install postgresql)") }
        self.bin = bin
        dir = try makeTemporaryDirectory("hackwatch-pg")
        port = try Self.freePort()
        try FileManager.default.createDirectory(atPath: dir.appendingPathComponent("sock").path, withIntermediateDirectories: true)
        if getuid() == 0 {
            // The server refuses to run as root: the folder goes to nobody (the temp root, /tmp, is world-traversable).
            _ = try runProcess("/bin/chown", ["-R", "nobody:nogroup", dir.path])
            chmod(dir.path, 0o755)
        }
        let initdb = try asServerUser(bin + "/initdb", ["-D", dataDir, "-A", "trust", "-U", "hackwatch", "--no-sync", "-E", "UTF8"])
        guard initdb.status == 0 else { throw Unavailable(description: "initdb failed: \(initdb.stderr)") }
        try start()
    }

    deinit { _ = try? asServerUser(bin + "/pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]) }

    /// A connection string for database `name` (over TCP on loopback), with a password that
    /// trust authentication ignores, so tests can check it never shows.
    public func conninfo(database: String, password: String = "pg-Secret-7731") -> String {
        "host=127.0.0.1 port=\(port) user=hackwatch dbname=\(database) password=\(password)"
    }

    /// Creates a fresh database and returns its name.
    public func createDatabase(_ prefix: String = "hw") throws -> String {
        let name = "\(prefix)_\(UInt32.random(in: 0...UInt32.max))"
        _ = try psql("postgres", "CREATE DATABASE \(name)")
        return name
    }

    /// Runs SQL with psql; returns its unaligned, tuples-only output (fields split by `|`).
    @discardableResult
    public func psql(_ database: String, _ sql: String) throws -> String {
        let result = try runProcess(bin + "/psql", ["-h", "127.0.0.1", "-p", "\(port)", "-U", "hackwatch", "-d", database,
                                                    "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql])
        guard result.status == 0 else { throw Unavailable(description: "psql failed (\(sql)): \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Starts the server (waits until it accepts connections).
    public func start() throws {
        let options = "-p \(port) -k \(socketDir) -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50"
        let result = try asServerUser(bin + "/pg_ctl", ["-D", dataDir, "-o", options, "-l", dir.appendingPathComponent("server.log").path,
                                                        "-w", "-t", "30", "start"])
        guard result.status == 0 else { throw Unavailable(description: "pg_ctl start failed: \(result.stderr)\(result.stdout)") }
    }

    /// Stops the server the fast way (clients are disconnected).
    public func stop() throws {
        _ = try asServerUser(bin + "/pg_ctl", ["-D", dataDir, "-m", "fast", "-w", "stop"])
    }

    private func asServerUser(_ executable: String, _ arguments: [String]) throws -> ProcessResult {
        if getuid() == 0 { return try runProcess("/usr/sbin/runuser", ["-u", "nobody", "--", executable] + arguments) }
        return try runProcess(executable, arguments)
    }

    private static func freePort() throws -> Int {
        let (fd, port) = try LoopbackSocket.listen()
        close(fd)
        return Int(port)
    }
}
