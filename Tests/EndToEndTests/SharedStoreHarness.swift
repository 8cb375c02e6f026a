import Foundation
import Testing
import TestSupport

/// Two (or more) `hackwatch run` processes on one PostgreSQL database, one loopback DefiLlama
/// feed serving the real snapshot, one loopback webhook that records who sent what. Each
/// instance posts to its own path (`/a`, `/b`) and connects with its own `application_name`,
/// so a test can tell the senders apart and kill one backend.
final class SharedStoreHarness: @unchecked Sendable {
    struct Received { var path: String; var id: String; var at: Date }

    let cluster: PostgresCluster
    let database: String
    let feedServer: LoopbackHTTPServer
    let webhook: LoopbackHTTPServer
    let root: URL
    let lease: String
    private let lock = NSLock()
    private var received: [Received] = []
    private var delay: Double
    private(set) var processes: [String: Process] = [:]
    /// The password in every conninfo file: never to show in logs or `status`.
    static let password = "pg-Secret-7731"

    init(cluster: PostgresCluster, rules: String = "rule big {\n    when loss >= $50M\n    severity critical\n}\n",
         delay: Double = 0, lease: String = "3s") throws {
        self.cluster = cluster
        self.delay = delay
        self.lease = lease
        database = try cluster.createDatabase()
        root = try makeTemporaryDirectory("hackwatch-shared")
        let snapshot = String(decoding: SharedFeeds.defiLlamaSnapshot ?? [], as: UTF8.self)
        feedServer = try LoopbackHTTPServer { _ in .text(snapshot, headers: [("Content-Type", "application/json")]) }
        let box = Box()
        webhook = try LoopbackHTTPServer { request in box.harness?.answer(request) ?? .text("ok") }
        box.harness = self
        try FileManager.default.createDirectory(at: root.appendingPathComponent("rules"), withIntermediateDirectories: true)
        try rules.write(to: root.appendingPathComponent("rules/main.rules"), atomically: true, encoding: .utf8)
    }

    private final class Box: @unchecked Sendable { weak var harness: SharedStoreHarness? }

    private func answer(_ request: RecordedRequest) -> ServerReply {
        let entry = Received(path: request.target, id: request.header("webhook-id") ?? "?", at: Date())
        let wait = lock.withLock { delay }
        if wait > 0 { Thread.sleep(forTimeInterval: wait) }
        lock.withLock { received.append(entry) }
        return .text("ok")
    }

    var deliveries: [Received] { lock.withLock { received } }

    func dir(_ name: String) -> URL { root.appendingPathComponent(name) }

    /// Writes instance `name`'s config (its own state_dir, conninfo file and webhook path).
    func writeConfig(_ name: String) throws -> URL {
        let dir = dir(name)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try (cluster.conninfo(database: database, password: Self.password) + " application_name=hw-\(name)")
            .write(to: dir.appendingPathComponent("conninfo"), atomically: true, encoding: .utf8)
        let config = """
        {"state_dir": "state", "rules": ["../rules"], "baseline": "0s", "log_level": "debug",
         "store": {"postgres": {"conninfo_file": "conninfo", "lease": "\(lease)"}},
         "feeds": [{"name": "llama", "url": "\(feedServer.url("/hacks"))", "format": "defillama", "interval": "2s"}],
         "sinks": [{"name": "hook", "type": "webhook", "url": "\(webhook.url("/\(name)"))", "default": true}]}
        """
        let url = dir.appendingPathComponent("config.json")
        try config.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// Starts instance `name` (`hackwatch run`), its stderr in `<name>/stderr.log`.
    func start(_ name: String) throws {
        let config = try writeConfig(name)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binary.path)
        process.arguments = ["run", "--config", config.path]
        var environment = ProcessInfo.processInfo.environment
        for key in ["NOTIFY_SOCKET", "JOURNAL_STREAM", "HACKWATCH_LOG_LEVEL"] { environment.removeValue(forKey: key) }
        process.environment = environment
        let log = dir(name).appendingPathComponent("stderr.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardError = handle
        process.standardOutput = handle
        try spawn(process)
        processes[name] = process
    }

    /// The failover tests' common opening: "a" starts and leads, then "b" starts (and, with
    /// `standbyLogged`, says it stands by), and at least 10 alerts are delivered — so what the
    /// test does next happens mid-delivery, with a standby ready.
    func startLeaderAThenB(standbyLogged: Bool, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try start("a")
        #expect(waitForLeader(among: ["a"]) == "a", sourceLocation: sourceLocation)
        try start("b")
        if standbyLogged {
            #expect(waitUntil(timeout: 20) { self.log("b").contains("standing by") }, sourceLocation: sourceLocation)
        }
        #expect(waitUntil(timeout: 30) { self.deliveries.count >= 10 }, sourceLocation: sourceLocation)
    }

    func log(_ name: String) -> String {
        (try? String(contentsOf: dir(name).appendingPathComponent("stderr.log"), encoding: .utf8)) ?? ""
    }

    /// Instance `name`'s process id, once started.
    func pid(_ name: String) -> Int32? { processes[name]?.processIdentifier }

    func signal(_ name: String, _ number: Int32) {
        if let process = processes[name] { kill(process.processIdentifier, number) }
    }

    /// The instance whose log says it leads, waiting up to `timeout`.
    func waitForLeader(among names: [String], timeout: Double = 20) -> String? {
        var found: String?
        _ = waitUntil(timeout: timeout, every: 0.05) {
            found = names.first { log($0).contains("leading the shared store") }
            return found != nil
        }
        return found
    }

    /// One SQL answer from the test database.
    func sql(_ text: String) -> String { (try? cluster.psql(database, text)) ?? "" }
    func sqlInt(_ text: String) -> Int { Int(sql(text)) ?? -1 }

    /// Every outbox row delivered and at least `minimum` of them (the pipeline wrote them all).
    func waitForAllDelivered(minimum: Int, timeout: Double = 60) -> Bool {
        waitUntil(timeout: timeout, every: 0.2) {
            let total = sqlInt("SELECT count(*) FROM outbox")
            return total >= minimum && sqlInt("SELECT count(*) FROM outbox WHERE status <> 'delivered'") == 0
        }
    }

    /// Fencing from the database: no term wrote after the next term started.
    var lateWritesAfterTakeover: Int {
        sqlInt("""
            SELECT count(*) FROM hackwatch_terms old JOIN hackwatch_terms new ON new.epoch > old.epoch
            WHERE old.last_write_at > new.started_at
            """)
    }

    /// How many alerts were received more than once (per sink: one sink here).
    var repeats: Int {
        let ids = deliveries.map(\.id)
        return ids.count - Set(ids).count
    }

    func stopAll() {
        for (_, process) in processes where process.isRunning {
            kill(process.processIdentifier, SIGCONT)
            process.terminate()
        }
        for (_, process) in processes { _ = waitUntil(timeout: 15) { !process.isRunning } }
        for (_, process) in processes where process.isRunning { kill(process.processIdentifier, SIGKILL) }
        feedServer.stop()
        webhook.stop()
        try? FileManager.default.removeItem(at: root)
    }
}
