import Foundation
import TestSupport

/// A hackwatch daemon under test: the built binary, a loopback feed server whose body the test
/// changes, a loopback webhook receiver, a temp folder with config, rules and state.
final class DaemonHarness: @unchecked Sendable {
    let dir: URL
    let feedServer: LoopbackHTTPServer
    let webhook: LoopbackHTTPServer
    private let lock = NSLock()
    private var feedBody = "[]"
    private var mode: WebhookMode = .ok
    private var posts = 0
    private var acked: [String] = []
    private(set) var process: Process?
    private var stderrURL: URL { dir.appendingPathComponent("stderr-\(runs).log") }
    private var runs = 0

    init(rules: String, feed: [FeedRecord] = [], baseline: String = "7d", interval: String = "1s",
         deliveryDeadline: String = "10s", extra: String = "") throws {
        dir = try makeTemporaryDirectory("hackwatch-e2e")
        let box = Box()
        feedServer = try LoopbackHTTPServer { _ in .text(box.harness?.currentFeed ?? "[]", headers: [("Content-Type", "application/json")]) }
        webhook = try LoopbackHTTPServer { request in box.harness?.answer(request) ?? .text("ok") }
        box.harness = self
        setFeed(feed)
        try writeRules(rules)
        let config = """
        {"state_dir": "state", "rules": ["rules"], "baseline": "\(baseline)", "log_level": "debug",
         "delivery_deadline": "\(deliveryDeadline)", "metrics_textfile": "metrics.prom"\(extra),
         "feeds": [{"name": "llama", "url": "\(feedServer.url("/hacks"))", "format": "defillama", "interval": "\(interval)"}],
         "sinks": [{"name": "hook", "type": "webhook", "url": "\(webhook.url("/hook/SECRET-TOKEN"))", "default": true}]}
        """
        try config.write(to: configURL, atomically: true, encoding: .utf8)
    }

    private final class Box: @unchecked Sendable { weak var harness: DaemonHarness? }

    var configURL: URL { dir.appendingPathComponent("config.json") }
    var currentFeed: String { lock.withLock { feedBody } }

    /// How the webhook receiver answers.
    enum WebhookMode {
        /// 200 at once.
        case ok
        /// The first POST answered 200 after `delay` seconds, every later one 503 (retry later).
        case firstSlowThenFail(delay: Double)
        /// Every POST answered with this status (500: retry later, 404: dead at once).
        case status(Int)
        /// Every POST answered 200 after `delay` seconds.
        case slow(delay: Double)
        /// Every POST answered 429 with `Retry-After: seconds`.
        case tooManyRequests(retryAfter: Int)
    }

    func setWebhookMode(_ mode: WebhookMode) { lock.withLock { self.mode = mode; posts = 0 } }

    /// Alert ids the receiver answered 200 for, in order (what the daemon saw acknowledged).
    var acknowledged: [String] { lock.withLock { acked } }

    private func answer(_ request: RecordedRequest) -> ServerReply {
        let id = request.header("webhook-id") ?? "?"
        let (mode, index) = lock.withLock { () -> (WebhookMode, Int) in posts += 1; return (self.mode, posts) }
        switch mode {
        case .ok:
            break
        case .firstSlowThenFail(let delay):
            guard index == 1 else { return .status(503) }
            Thread.sleep(forTimeInterval: delay)
        case .status(let code):
            return .status(code)
        case .slow(let delay):
            Thread.sleep(forTimeInterval: delay)
        case .tooManyRequests(let seconds):
            return .status(429, headers: [("Retry-After", "\(seconds)")])
        }
        lock.withLock { acked.append(id) }
        return .text("ok")
    }

    /// Serves `body` as the feed verbatim (hostile records a `FeedRecord` cannot express).
    func setRawFeed(_ body: String) { lock.withLock { feedBody = body } }

    func setFeed(_ records: [FeedRecord]) { lock.withLock { feedBody = "[" + records.map(\.json).joined(separator: ",") + "]" } }

    func writeRules(_ text: String) throws {
        let rules = dir.appendingPathComponent("rules")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        try text.write(to: rules.appendingPathComponent("main.rules"), atomically: true, encoding: .utf8)
    }

    /// Starts `hackwatch run`; `environment` adds to the inherited one.
    func start(environment extra: [String: String] = [:]) throws {
        runs += 1
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binary.path)
        process.arguments = ["run", "--config", configURL.path]
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "NOTIFY_SOCKET")
        environment.removeValue(forKey: "JOURNAL_STREAM")
        environment.removeValue(forKey: "HACKWATCH_LOG_LEVEL")
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try spawn(process)
        self.process = process
    }

    /// Everything the current run wrote to stderr.
    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    func signal(_ number: Int32) {
        if let pid = process?.processIdentifier { kill(pid, number) }
    }

    /// Waits for the daemon to exit; returns its status (nil on timeout, after killing it).
    func waitForExit(timeout: Double = 20) -> Int32? {
        guard let process else { return nil }
        guard waitUntil(timeout: timeout, { !process.isRunning }) else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    var stateDir: URL { dir.appendingPathComponent("state") }
    var databasePath: String { stateDir.appendingPathComponent("hackwatch.sqlite").path }

    /// Webhook deliveries so far, decoded.
    var deliveries: [Delivered] {
        webhook.requests.filter { $0.method == "POST" }.compactMap(Delivered.init)
    }

    func waitForDeliveries(_ count: Int, timeout: Double = 20) -> Bool {
        waitUntil(timeout: timeout) { self.deliveries.count >= count }
    }

    func waitForLog(_ text: String, timeout: Double = 20) -> Bool {
        waitUntil(timeout: timeout) { self.stderr.contains(text) }
    }

    /// Waits until the feed server has answered `count` polls in all.
    func waitForPolls(_ count: Int, timeout: Double = 20) -> Bool {
        waitUntil(timeout: timeout) { self.feedServer.requests.count >= count }
    }

    func stopAndClean() {
        if let process, process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        feedServer.stop()
        webhook.stop()
        try? FileManager.default.removeItem(at: dir)
    }
}

/// One webhook POST: the alert id (webhook-id header), rule and incident name from the body.
struct Delivered: Hashable {
    var id: String
    var rule: String
    var incident: String

    init?(_ request: RecordedRequest) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any],
              let rule = object["rule"] as? String, let incident = object["incident"] as? [String: Any],
              let name = incident["name"] as? String else { return nil }
        self.id = request.header("webhook-id") ?? (object["id"] as? String ?? "")
        self.rule = rule
        self.incident = name
    }
}

/// A DefiLlama record, dated `daysAgo` before its creation (the date stays fixed, as a real
/// feed's does from poll to poll).
struct FeedRecord {
    var name: String
    var loss: Double
    var bridge = false
    let date: Int

    init(name: String, daysAgo: Double, loss: Double, bridge: Bool = false) {
        self.name = name
        self.loss = loss
        self.bridge = bridge
        date = Int(Date().timeIntervalSince1970 - daysAgo * 86_400)
    }

    var json: String {
        return "{\"name\":\"\(name)\",\"date\":\(date),\"amount\":\(loss),\"chain\":[\"Ethereum\"],"
            + "\"classification\":\"Protocol Logic\",\"technique\":\"Reentrancy\",\"bridgeHack\":\(bridge),"
            + "\"targetType\":\"DeFi Protocol\",\"returnedFunds\":null,\"source\":\"\",\"language\":\"Solidity\"}"
    }
}

