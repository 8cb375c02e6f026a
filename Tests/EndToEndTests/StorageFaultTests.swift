import Foundation
import Testing
import TestSupport

/// The state database failing under a running daemon, or unusable at start: the real binary,
/// a loopback feed and webhook receiver, faults injected with `chattr +i` (an immutable file
/// refuses writes even to root, on an already-open descriptor too).
@Suite(.serialized) struct StorageFaultTests {
    static let bigLoss = DaemonEndToEndTests.bigLoss

    /// Sets or clears the immutable flag; false when the file system does not support it.
    @discardableResult
    static func immutable(_ on: Bool, _ paths: [String]) -> Bool {
        let existing = paths.filter { FileManager.default.fileExists(atPath: $0) }
        guard let result = try? runProcess("/usr/bin/chattr", [on ? "+i" : "-i"] + existing) else { return false }
        return result.status == 0
    }

    static var chattrWorks: Bool {
        guard let dir = try? makeTemporaryDirectory("hackwatch-chattr") else { return false }
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("probe").path
        FileManager.default.createFile(atPath: file, contents: Data())
        let works = immutable(true, [file])
        immutable(false, [file])
        if !works { print("StorageFaultTests: chattr +i is not available here; the immutable-file cases are skipped") }
        return works
    }

    /// POSTs per webhook-id.
    static func postsPerAlert(_ harness: DaemonHarness) -> [String: Int] {
        Dictionary(harness.webhook.requests.filter { $0.method == "POST" }.map { ($0.header("webhook-id") ?? "?", 1) },
                   uniquingKeysWith: +)
    }

    @Test(.enabled(if: chattrWorks)) func unwritableDatabaseMidDeliverySendsEachAlertOnceAndRecovers() throws {
        let records = (1...8).map { FeedRecord(name: "Hack \($0)", daysAgo: 0, loss: Double($0) * 200_000_000) }
        let harness = try DaemonHarness(rules: Self.bigLoss, feed: records)
        defer {
            Self.immutable(false, [harness.databasePath, harness.databasePath + "-wal"])
            harness.stopAndClean()
        }
        harness.setWebhookMode(.slow(delay: 0.3))
        try harness.start()
        #expect(harness.waitUntilWebhookRequested())
        let files = [harness.databasePath, harness.databasePath + "-wal"]
        #expect(Self.immutable(true, files))
        #expect(harness.waitForLog("pausing this sink until the state database is writable"))
        // Long enough for the old behaviour (a re-send every ~50 ms drain) to show many repeats.
        usleep(4_000_000)
        let during = Self.postsPerAlert(harness)
        #expect(during.values.allSatisfy { $0 == 1 }, "an alert was POSTed twice while the DB was unwritable: \(during)")
        #expect(during.count < records.count, "the sink should pause, not send everything unrecorded")

        Self.immutable(false, files)
        #expect(waitUntil(timeout: 60) { Self.postsPerAlert(harness).count == records.count }, "no recovery")
        #expect(harness.waitForLog("state database writable again; resuming"))
        usleep(1_500_000)
        let after = Self.postsPerAlert(harness)
        #expect(after.values.allSatisfy { $0 == 1 }, "re-sent after recovery: \(after)")
        harness.signal(SIGTERM)
        #expect(harness.waitForExit() == 0)
        let status = try Binary.run(["status", "--config", harness.configURL.path])
        #expect(status.stdout.contains("deliveries: 0 pending, 8 delivered, 0 dead"), "\(status.stdout)\(status.stderr)")
    }

    /// A database that cannot take a write refuses the start (EX_CONFIG) instead of re-sending
    /// every pending alert forever; `status` only reads and still works.
    @Test(.enabled(if: chattrWorks)) func unwritableDatabaseRefusesToStartAndStatusStillReads() throws {
        let harness = try DaemonHarness(rules: Self.bigLoss, feed: [FeedRecord(name: "Fresh", daysAgo: 0, loss: 500_000_000)])
        let files = [harness.databasePath, harness.databasePath + "-wal", harness.databasePath + "-shm"]
        defer {
            Self.immutable(false, files)
            harness.stopAndClean()
        }
        try harness.start()
        #expect(harness.waitForDeliveries(1))
        harness.signal(SIGTERM)
        #expect(harness.waitForExit() == 0)
        #expect(Self.immutable(true, files))
        try harness.start()
        #expect(harness.waitForExit() == 78)
        #expect(harness.stderr.contains("state database \(harness.databasePath) is not writable ("), "\(harness.stderr)")
        #expect(harness.stderr.contains("would re-send alerts without it"))
        let status = try Binary.run(["status", "--config", harness.configURL.path])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("deliveries: 0 pending, 1 delivered, 0 dead"), "\(status.stdout)")
        #expect(harness.deliveries.count == 1)
    }

    /// A zero-length database beside the lock of an earlier run (a crash, a bad restore) would
    /// re-fire every alert as new: refused with how to start fresh; deleting it does start fresh.
    @Test func emptyDatabaseWithEarlierStateRefusesToStart() throws {
        let harness = try DaemonHarness(rules: Self.bigLoss, feed: [FeedRecord(name: "Fresh", daysAgo: 0, loss: 500_000_000)])
        defer { harness.stopAndClean() }
        try harness.start()
        #expect(harness.waitForDeliveries(1))
        harness.signal(SIGTERM)
        #expect(harness.waitForExit() == 0)
        #expect(truncate(harness.databasePath, 0) == 0)
        try harness.start()
        #expect(harness.waitForExit() == 78)
        #expect(harness.stderr.contains("state database \(harness.databasePath) is empty or has no hackwatch schema"), "\(harness.stderr)")
        #expect(harness.stderr.contains("to start fresh deliberately, stop hackwatch and delete \(harness.databasePath) with its -wal and -shm files"))
        #expect(harness.deliveries.count == 1, "nothing re-fired")
        for suffix in ["", "-wal", "-shm"] { unlink(harness.databasePath + suffix) }
        try harness.start()
        #expect(harness.waitForLog("hackwatch started"), "\(harness.stderr)")
        harness.signal(SIGTERM)
        #expect(harness.waitForExit() == 0)
    }

    /// Garbage where the database should be: EX_CONFIG, the file named, a recovery hint, not a
    /// cut-off SQL statement.
    @Test func corruptDatabaseExits78WithTheFileAndAHint() throws {
        let harness = try DaemonHarness(rules: Self.bigLoss, feed: [])
        defer { harness.stopAndClean() }
        try FileManager.default.createDirectory(at: harness.stateDir, withIntermediateDirectories: true)
        try String(repeating: "not a database ", count: 400).write(toFile: harness.databasePath, atomically: true, encoding: .utf8)
        try harness.start()
        #expect(harness.waitForExit() == 78)
        #expect(harness.stderr.contains("state database \(harness.databasePath) is corrupt (file is not a database); "
            + "stop hackwatch, keep a copy of the file, then try `sqlite3 \(harness.databasePath) .recover > recovered.sql`"),
                "\(harness.stderr)")
        #expect(!harness.stderr.contains("PRAGMA"))
        let check = try Binary.run(["check", "--config", harness.configURL.path])
        #expect(check.status == 1)
        #expect(check.stderr.contains("is corrupt (file is not a database)"), "\(check.stderr)")
    }

    /// `state_dir` that cannot be a folder: `check` says so (it used to pass), `run` exits 78.
    @Test func unusableStateDirFailsCheckAndRunExits78() throws {
        let harness = try DaemonHarness(rules: Self.bigLoss, feed: [])
        defer { harness.stopAndClean() }
        try "x".write(to: harness.stateDir, atomically: true, encoding: .utf8)
        let check = try Binary.run(["check", "--config", harness.configURL.path])
        #expect(check.status == 1)
        #expect(check.stderr == "state_dir \(harness.stateDir.path): exists and is not a folder\n")
        try harness.start()
        #expect(harness.waitForExit() == 78)
        #expect(harness.stderr.contains("state_dir \(harness.stateDir.path): exists and is not a folder"))
    }

    /// Deleting `hackwatch.lock` under a live daemon does not let a second one in: the lock is
    /// on the folder.
    @Test func unlinkingTheLockFileDoesNotAdmitASecondDaemon() throws {
        let harness = try DaemonHarness(rules: Self.bigLoss, feed: [FeedRecord(name: "Fresh", daysAgo: 0, loss: 500_000_000)])
        defer { harness.stopAndClean() }
        try harness.start()
        #expect(harness.waitForDeliveries(1))
        let pid = try #require(harness.process?.processIdentifier)
        #expect(unlink(harness.stateDir.appendingPathComponent("hackwatch.lock").path) == 0)
        let second = try Binary.run(["run", "--config", harness.configURL.path])
        #expect(second.status == 1)
        #expect(second.stderr.contains("is in use by another hackwatch"), "\(second.stderr)")
        let once = try Binary.run(["once", "--config", harness.configURL.path])
        #expect(once.status == 1)
        harness.signal(SIGTERM)
        #expect(harness.waitForExit() == 0)
        #expect(harness.deliveries.count == 1)
        _ = pid
    }

    /// A SIGTERM while the config, rules and database load is acted on (exit 0, or the default
    /// action before hackwatch blocks signals), never ignored until systemd's SIGKILL.
    @Test(arguments: [0.0, 0.005, 0.01, 0.02, 0.03, 0.05, 0.08])
    func earlySigtermIsNotLost(delay: Double) throws {
        let harness = try DaemonHarness(rules: Self.bigLoss, feed: [])
        defer { harness.stopAndClean() }
        try harness.start()
        usleep(useconds_t(delay * 1_000_000))
        harness.signal(SIGTERM)
        let status = harness.waitForExit(timeout: 10)
        #expect(status != nil, "SIGTERM \(delay)s after exec was ignored: \(harness.stderr)")
        if let process = harness.process, process.terminationReason == .exit { #expect(status == 0, "\(harness.stderr)") }
    }

    /// A 429 with Retry-After: 60, then a reload that rebuilds the sinks: no new POST within the block.
    @Test func reloadThatRebuildsSinksKeepsRetryAfterBlock() throws {
        let harness = try DaemonHarness(rules: Self.bigLoss, feed: [FeedRecord(name: "Fresh", daysAgo: 0, loss: 500_000_000)])
        defer { harness.stopAndClean() }
        harness.setWebhookMode(.tooManyRequests(retryAfter: 60))
        try harness.start()
        #expect(harness.waitForLog("delivery failed, will retry"))
        let config = try String(contentsOf: harness.configURL, encoding: .utf8)
        try config.replacingOccurrences(of: "\"default\": true}", with: "\"default\": true, \"min_severity\": \"low\"}")
            .write(to: harness.configURL, atomically: true, encoding: .utf8)
        harness.signal(SIGHUP)
        #expect(harness.waitForLog("reloaded"))
        #expect(!harness.stderr.contains("reload failed"), "\(harness.stderr)")
        usleep(3_000_000)
        #expect(harness.webhook.requests.filter { $0.method == "POST" }.count == 1, "the Retry-After block was forgotten")
        // status names why the row is still pending.
        let status = try Binary.run(["status", "--config", harness.configURL.path])
        #expect(status.stdout.contains("big → hook: Fresh — 1 attempts, next try in"), "\(status.stdout)")
        #expect(status.stdout.contains("; last error: "), "\(status.stdout)")
        harness.signal(SIGTERM)
        #expect(harness.waitForExit() == 0)
    }
}

/// Hostile numbers through the real binary: the daemon neither crashes nor drops the feed.
@Suite(.serialized) struct HostileValueEndToEndTests {
    static func record(_ name: String, date: String, amount: String) -> String {
        #"{"name":"\#(name)","date":\#(date),"amount":\#(amount),"chain":["Ethereum"],"classification":"Protocol Logic","technique":"Reentrancy","bridgeHack":false,"targetType":"DeFi Protocol","returnedFunds":null,"source":"","language":null}"#
    }

    static var feed: String {
        let now = Int(Date().timeIntervalSince1970)
        return "[" + [record("Huge Date", date: "1e308", amount: "300000000"),
                      record("Huge Amount", date: "\(now)", amount: "1e400"),
                      record("Good Hack", date: "\(now)", amount: "400000000")].joined(separator: ",") + "]"
    }

    @Test func hugeDateAndOutOfRangeAmountSkipOnlyTheirValuesOrRecord() throws {
        let harness = try DaemonHarness(rules: DaemonEndToEndTests.bigLoss)
        defer { harness.stopAndClean() }
        harness.setRawFeed(Self.feed)
        try harness.start()
        // The undated record is kept (baselined on the first poll, as undated records are).
        #expect(harness.waitForDeliveries(1))
        #expect(harness.waitForPolls(2))
        #expect(harness.deliveries.map(\.incident) == ["Good Hack"])
        #expect(harness.waitForLog("incidents=2"))
        #expect(harness.stderr.contains("llama: record 0: date 1e+308 (unix seconds) is outside 1970–9999; kept as unknown"), "\(harness.stderr)")
        #expect(harness.stderr.contains("llama: record 1 skipped: number out of range at byte"))
        #expect(!harness.stderr.contains("feed poll failed"))
        harness.signal(SIGTERM)
        #expect(harness.waitForExit() == 0)
    }

    @Test func testCommandSurvivesHugeNumbers() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let rules = dir.appendingPathComponent("r.rules"), feed = dir.appendingPathComponent("hacks.json")
        try DaemonEndToEndTests.bigLoss.write(to: rules, atomically: true, encoding: .utf8)
        try Self.feed.write(to: feed, atomically: true, encoding: .utf8)
        let result = try Binary.run(["test", "--rules", rules.path, "--input", feed.path, "--format", "defillama"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Good Hack"), "\(result.stdout)")
        #expect(result.stderr.contains("record 1 skipped: number out of range"), "\(result.stderr)")
    }
}
