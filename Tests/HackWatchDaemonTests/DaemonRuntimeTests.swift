import Foundation
import Logging
import Testing
import TestSupport
@testable import HackWatchConfiguration
@testable import HackWatchDaemon
@testable import HackWatchModel
@testable import HackWatchRules
@testable import HackWatchStore

@Suite struct DaemonRuntimeTests {
    /// A config folder with `rules/main.rules` and `config.json`.
    func write(config: String, rules: String) throws -> URL {
        let dir = try makeTemporaryDirectory("hackwatch-runtime")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("rules"), withIntermediateDirectories: true)
        try rules.write(to: dir.appendingPathComponent("rules/main.rules"), atomically: true, encoding: .utf8)
        try config.write(to: dir.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        return dir
    }

    static let sinks = """
    "sinks": [{"name": "chat", "type": "slack", "url_env": "HW_TEST_SLACK", "default": true},
              {"name": "off", "type": "discord", "url_env": "HW_TEST_UNSET", "enabled": false}]
    """

    @Test func loadsConfigRulesAndEnabledSinks() throws {
        let dir = try write(config: "{\"rules\": [\"rules\"], \(Self.sinks)}", rules: "rule r {\n    when true\n}\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        let runtime = try DaemonRuntime.load(configPath: dir.appendingPathComponent("config.json").path,
                                             environment: ["HW_TEST_SLACK": "https://hooks.slack.com/services/T/B/SECRET"])
        #expect(runtime.ruleSet.rules.map(\.name) == ["r"])
        #expect(runtime.sinks.keys.sorted() == ["chat"])
        #expect(runtime.defaultSinks == ["chat"])
        #expect(runtime.config.stateDir == dir.appendingPathComponent("state").path)
    }

    @Test func missingSecretNamesTheVariableNeverAValue() throws {
        let dir = try write(config: "{\"rules\": [\"rules\"], \(Self.sinks)}", rules: "rule r {\n    when true\n}\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect {
            try DaemonRuntime.load(configPath: dir.appendingPathComponent("config.json").path, environment: [:])
        } throws: { error in
            "\(error)" == "sink 'chat': environment variable HW_TEST_SLACK is not set"
        }
        // `check`, `replay` and dry runs build no sinks, so need no secrets.
        let runtime = try DaemonRuntime.load(configPath: dir.appendingPathComponent("config.json").path, environment: [:], buildSinks: false)
        #expect(runtime.sinks.isEmpty && runtime.defaultSinks == ["chat"])
    }

    /// Load (start and reload) rejects a misspelled template variable, which would otherwise
    /// render as empty text in every alert.
    @Test func misspelledTemplateVariableIsALoadError() throws {
        let dir = try write(config: "{\"rules\": [\"rules\"], \(Self.sinks)}",
                            rules: "rule a {\n    when true\n    message \"{{name}}: {{los_human}}\"\n}\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect {
            try DaemonRuntime.load(configPath: dir.appendingPathComponent("config.json").path, environment: [:], buildSinks: false)
        } throws: { error in
            "\(error)".contains("main.rules:3:13: error: invalid message template: unknown variable 'los_human' at line 1, column 11; did you mean 'loss_human'?")
        }
    }

    @Test func ruleErrorsComeRenderedTogether() throws {
        let dir = try write(config: "{\"rules\": [\"rules\"], \(Self.sinks)}",
                            rules: "rule a {\n    when los > 1\n    notify chta\n}\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect {
            try DaemonRuntime.load(configPath: dir.appendingPathComponent("config.json").path, environment: [:], buildSinks: false)
        } throws: { error in
            let text = "\(error)"
            return text.contains("main.rules:2:10: error: unknown field 'los'; did you mean 'loss'?")
                && text.contains("main.rules:3:12: error:") && text.contains("chat")
        }
    }

    @Test func configProblemsAreAllReported() throws {
        let dir = try write(config: "{\"rules\": [\"rules\"], \"baseline\": \"soon\", \"bogus\": 1}", rules: "")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect {
            try DaemonRuntime.load(configPath: dir.appendingPathComponent("config.json").path, environment: [:])
        } throws: { error in
            let text = "\(error)"
            return text.contains("$.baseline") && text.contains("$.bogus")
        }
    }
}

/// `ca_file` reaches the feed fetcher: a feed behind a self-signed certificate fails TLS
/// verification without it and gets past TLS (to the parser) with it.
@Suite struct CAFileTests {
    @Test(.enabled(if: TLSTestServer.opensslPath != nil, "needs the openssl binary"))
    func configCAFileIsTrustedByFeedFetches() throws {
        let server = try TLSTestServer()
        defer { server.stop() }
        let dir = try makeTemporaryDirectory("hackwatch-cafile")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("rules"), withIntermediateDirectories: true)
        try "rule r {\n    when true\n}\n".write(to: dir.appendingPathComponent("rules/main.rules"), atomically: true, encoding: .utf8)
        func failure(caFile: String?) throws -> String? {
            let ca = caFile.map { ", \"ca_file\": \"\($0)\"" } ?? ""
            let config = """
            {"rules": ["rules"]\(ca), "feeds": [{"name": "tls", "url": "\(server.url("/hacks"))", "format": "rss", "timeout": "10s"}],
             "sinks": [{"name": "out", "type": "stdout", "default": true}]}
            """
            let path = dir.appendingPathComponent("config.json").path
            try config.write(toFile: path, atomically: true, encoding: .utf8)
            return try OncePoll.run(configPath: path, dryRun: true, logger: Logger(label: "test")).failures["tls"]
        }
        let untrusted = try #require(try failure(caFile: nil))
        #expect(untrusted.contains("TLS") || untrusted.contains("certificate"), "\(untrusted)")
        // openssl's -www status page is HTML, not a feed: the fetch succeeded and parsing refused it.
        let trusted = try #require(try failure(caFile: server.certificatePath))
        #expect(!trusted.contains("TLS") && !trusted.contains("certificate"), "\(trusted)")
    }
}

/// What a reload changes decides whether the outbox gets the newly built sinks.
@Suite struct ReloadSinkSwapTests {
    static let base = HackWatchConfig(path: "/etc/hackwatch/config.json", stateDir: "/var/lib/hackwatch", rules: [],
                                      sinks: [SinkConfig(name: "out", type: "stdout")])

    @Test func unchangedSinksAreKept() {
        var next = Self.base
        next.baseline = TimeSpan(seconds: 60)
        next.feeds = [FeedConfig(name: "f", url: "file:///tmp/f.json", format: .defillama)]
        #expect(!Daemon.sinksNeedRebuild(Self.base, next))
    }

    @Test func changedSinkConfigRebuilds() {
        var next = Self.base
        next.sinks[0].minSeverity = .high
        #expect(Daemon.sinksNeedRebuild(Self.base, next))
    }

    /// README: a new `ca_file` reaches the sinks at reload — they hold the HTTP client.
    @Test func changedCAFileRebuilds() {
        var next = Self.base
        next.caFile = "/etc/hackwatch/ca.pem"
        #expect(Daemon.sinksNeedRebuild(Self.base, next))
    }
}

/// An unusable `state_dir` is one plain sentence naming the folder.
@Suite struct StateDirectoryTests {
    @Test func createsMissingFoldersAndAcceptsExistingOnes() throws {
        let dir = try makeTemporaryDirectory("hackwatch-statedir")
        defer { try? FileManager.default.removeItem(at: dir) }
        let nested = dir.appendingPathComponent("a/b/state").path
        try StateDirectory.prepare(nested)
        try StateDirectory.prepare(nested)
        var isFolder: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: nested, isDirectory: &isFolder) && isFolder.boolValue)
    }

    @Test func unusablePathsSayWhy() throws {
        let dir = try makeTemporaryDirectory("hackwatch-statedir")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("file").path
        #expect(FileManager.default.createFile(atPath: file, contents: Data()))
        #expect(throws: StateDirectoryError.notAFolder(path: file)) { try StateDirectory.prepare(file) }
        let error = #expect(throws: StateDirectoryError.self) { try StateDirectory.prepare(file + "/state") }
        #expect(error?.description == "state_dir \(file)/state: cannot create it: Not a directory")
    }

    /// One process per state_dir: a second lock names the holder; the lock goes with its owner.
    @Test func lockIsExclusiveAndNamesTheHolder() throws {
        let dir = try makeTemporaryDirectory("hackwatch-statedir")
        defer { try? FileManager.default.removeItem(at: dir) }
        var first: StateDirectoryLock? = try StateDirectoryLock.acquire(dir.path)
        #expect(first != nil)
        let error = #expect(throws: StateDirectoryError.self) { try StateDirectoryLock.acquire(dir.path) }
        #expect(error == .inUse(path: dir.path, pid: getpid()))
        #expect(error?.description == "state_dir \(dir.path) is in use by another hackwatch (pid \(getpid())); "
            + "one process at a time, or pending alerts could be sent twice")
        first = nil
        // A child another test spawns at this moment holds a copy of the descriptor until its
        // exec closes it (O_CLOEXEC): allow that instant.
        #expect(waitUntil(timeout: 5) { (try? StateDirectoryLock.acquire(dir.path)) != nil })
    }

    @Test func aBrokenDatabaseIsNamed() throws {
        let dir = try makeTemporaryDirectory("hackwatch-statedir")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = StateStore.path(stateDir: dir.path)
        try Data(String(repeating: "not a database ", count: 20).utf8).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: StateDirectoryError.self) { try StateDirectory.openStore(dir.path) }
        #expect(error == .store(.corrupt(path: path, message: "file is not a database")), "\(String(describing: error))")
        #expect(error?.description.hasPrefix("state database \(path) is corrupt (file is not a database); ") == true)
    }
}

/// Rules that can never deliver are named with the reason (`check` prints them as warnings).
@Suite struct UnroutableRuleTests {
    static let sinks = [
        SinkConfig(name: "chat", type: "slack", isDefault: true, minSeverity: .high),
        SinkConfig(name: "log", type: "stdout", enabled: false),
    ]

    static func runtime(_ rules: String, sinks: [SinkConfig] = sinks) throws -> DaemonRuntime {
        let result = RuleLoader.load(sources: [(path: "main.rules", bytes: Array(rules.utf8))], sinkNames: sinks.map(\.name))
        let ruleSet = try #require(result.ruleSet)
        return DaemonRuntime(config: HackWatchConfig(path: "/tmp/config.json", stateDir: "/tmp/state", rules: []), ruleSet: ruleSet, sinkConfigs: sinks)
    }

    @Test(arguments: [
        ("rule a {\n    when true\n    severity critical\n}\n", []),
        ("rule a {\n    when true\n    notify log\n}\n", ["rule 'a' notifies only disabled sinks (log): it never alerts"]),
        ("rule a {\n    when true\n    severity low\n}\n",
         ["rule 'a' (severity low) is below the min_severity of chat: it never alerts"]),
        ("rule a {\n    when true\n    notify log\n    enabled false\n}\n", []),
    ])
    func namesSilentRules(rules: String, expected: [String]) throws {
        #expect(try Self.runtime(rules).unroutableRules == expected)
    }

    @Test func ruleWithoutNotifyAndNoDefaultSink() throws {
        let runtime = try Self.runtime("rule a {\n    when true\n}\n", sinks: [SinkConfig(name: "chat", type: "slack")])
        #expect(runtime.unroutableRules == ["rule 'a' has no notify and no enabled sink is default: it never alerts"])
    }
}
