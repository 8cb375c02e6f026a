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
            // A static is never deinitialised: stop the server when the test process exits.
            atexit { PostgresCluster.stopShared() }
            return cluster
        }
    }

    private static func stopShared() {
        guard let cluster = sharedCluster else { return }
        try? cluster.stop()
        try? FileManager.default.removeItem(at: cluster.dir)
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

    deinit {
        try? stop()
        try? FileManager.default.removeItem(at: dir)
    }

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

    private var server: Process?

    /// Starts the server (waits until it accepts connections). The postmaster is run directly
    /// (setpriv execs it as nobody without a parent in between), not through pg_ctl: a daemon
    /// started by a child would inherit the descriptors Foundation watches to see that child
    /// exit, and the wait would never end.
    public func start() throws {
        let output = dir.appendingPathComponent("server.log")
        if !FileManager.default.fileExists(atPath: output.path) { FileManager.default.createFile(atPath: output.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: output)
        handle.seekToEndOfFile()
        defer { try? handle.close() }
        let arguments = ["-D", dataDir, "-p", "\(port)", "-k", socketDir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
                         "-c", "max_connections=50"]
        let process = Process()
        if getuid() == 0 {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", bin + "/postgres"] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: bin + "/postgres")
            process.arguments = arguments
        }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try spawn(process)
        server = process
        let ready = waitUntil(timeout: 30, every: 0.1) {
            (try? runProcess(bin + "/pg_isready", ["-h", "127.0.0.1", "-p", "\(port)", "-q"]))?.status == 0
        }
        guard ready else {
            throw Unavailable(description: "the server did not start: " + ((try? String(contentsOf: output, encoding: .utf8)) ?? ""))
        }
    }

    /// Stops the server the fast way (SIGINT: clients are disconnected) and waits for it.
    public func stop() throws {
        guard let server, server.isRunning else { return }
        kill(server.processIdentifier, SIGINT)
        _ = waitUntil(timeout: 30, every: 0.05) { !server.isRunning }
        self.server = nil
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
