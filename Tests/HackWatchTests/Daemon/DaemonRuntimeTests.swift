import Foundation
import HackWatch
import Logging
import Testing
import TestSupport

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
