import Foundation
import TestSupport

/// `hackwatch run` with the HTTP listener on a free loopback port, a loopback feed whose poll
/// times are recorded, a loopback webhook, and a temp folder with config, rules, token and state.
final class ListenerHarness: @unchecked Sendable {
    static let token = "test-token-0123456789"
    /// A name no feed should get to render as markup.
    static let hostileName = "<script>alert(1)</script><img src=x onerror=alert(2)> Bridge"

    let dir: URL
    let port: Int
    let feedServer: LoopbackHTTPServer
    let webhook: LoopbackHTTPServer
    private let lock = NSLock()
    private var polls: [Date] = []
    private(set) var process: Process?

    /// `http` is the `http` object's JSON (without braces) after `listen`; nil listen: 127.0.0.1:port.
    init(withToken: Bool = true, listen: String? = nil, http: String = "", records: [FeedRecord]? = nil,
         interval: String = "1s") throws {
        dir = try makeTemporaryDirectory("hackwatch-http")
        port = HTTPProbe.freePort()
        let feed = "[" + (records ?? [
            FeedRecord(name: Self.hostileName, daysAgo: 1, loss: 50_000_000, bridge: true),
            FeedRecord(name: "Quiet Protocol", daysAgo: 2, loss: 1_000),
        ]).map(\.json).joined(separator: ",") + "]"
        let box = Box()
        feedServer = try LoopbackHTTPServer { _ in
            box.harness?.recordPoll()
            return .text(feed, headers: [("Content-Type", "application/json")])
        }
        webhook = try LoopbackHTTPServer { _ in .text("ok") }
        box.harness = self
        let rules = dir.appendingPathComponent("rules")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        try "rule big_loss {\n    when loss > $10M\n    severity high\n}\n"
            .write(to: rules.appendingPathComponent("main.rules"), atomically: true, encoding: .utf8)
        try (Self.token + "\n").write(to: dir.appendingPathComponent("token"), atomically: true, encoding: .utf8)
        let address = listen ?? "127.0.0.1:\(port)"
        let config = """
        {"state_dir": "state", "rules": ["rules"], "baseline": "30d",
         "http": {"listen": "\(address)"\(withToken ? ", \"token_file\": \"token\"" : "")\(http)},
         "feeds": [{"name": "llama", "url": "\(feedServer.url("/hacks"))", "format": "defillama", "interval": "\(interval)"}],
         "sinks": [{"name": "hook", "type": "webhook", "url": "\(webhook.url("/hook/SECRET-PATH"))", "default": true}]}
        """
        try config.write(to: configURL, atomically: true, encoding: .utf8)
    }

    private final class Box: @unchecked Sendable { weak var harness: ListenerHarness? }

    var configURL: URL { dir.appendingPathComponent("config.json") }
    var configText: String { (try? String(contentsOf: configURL, encoding: .utf8)) ?? "" }
    var stderrURL: URL { dir.appendingPathComponent("stderr.log") }
    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    private func recordPoll() { lock.withLock { polls.append(Date()) } }
    /// When the daemon polled the feed.
    var pollTimes: [Date] { lock.withLock { polls } }

    /// Starts `hackwatch run`, behind `launcher` (a program and its arguments) when given.
    func start(launcher: [String] = []) throws {
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        let process = Process()
        let command = launcher + [Binary.path, "run", "--config", configURL.path]
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        var environment = ProcessInfo.processInfo.environment
        for key in ["NOTIFY_SOCKET", "JOURNAL_STREAM", "HACKWATCH_LOG_LEVEL"] { environment.removeValue(forKey: key) }
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try spawn(process)
        self.process = process
    }

    /// GET/POST against the listener.
    func request(_ path: String, method: String = "GET", headers: [String: String] = [:], body: String = "") throws -> HTTPProbe.Response {
        try HTTPProbe.request(path, method: method, port: port, headers: headers, body: body)
    }

    /// Waits until `/-/ready` says 200 and the first alert was delivered.
    func waitUntilReady(timeout: Double = 20) -> Bool {
        waitUntil(timeout: timeout, every: 0.1) {
            (try? self.request("/-/ready"))?.status == 200 && self.webhook.requests.count >= 1
        }
    }

    func stop() {
        if let process, process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            if !waitUntil(timeout: 10, { !process.isRunning }) { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        feedServer.stop()
        webhook.stop()
        try? FileManager.default.removeItem(at: dir)
    }
}
