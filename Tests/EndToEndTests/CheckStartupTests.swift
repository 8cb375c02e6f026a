import Foundation
import Testing
import TestSupport

/// `check` sees what `run` would stop on at start (exit 78): secrets that cannot be read and a
/// metrics folder that is not there. `run` logs each start-up problem on its own line.
@Suite struct CheckStartupTests {
    /// A config folder with one rule and the given sinks (JSON array members) and extra keys.
    static func makeConfig(sinks: String, extra: String = "") throws -> (dir: URL, config: URL) {
        let dir = try makeTemporaryDirectory("hackwatch-check")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("rules"), withIntermediateDirectories: true)
        try "rule big {\n    when loss >= $100M\n}\n".write(to: dir.appendingPathComponent("rules/main.rules"), atomically: true, encoding: .utf8)
        try "[]".write(to: dir.appendingPathComponent("feed.json"), atomically: true, encoding: .utf8)
        let config = dir.appendingPathComponent("config.json")
        try """
            {"state_dir": "state"\(extra), "feeds": [{"name": "f", "url": "\(dir.appendingPathComponent("feed.json").absoluteString)", "format": "defillama"}],
             "sinks": [\(sinks)]}
            """.write(to: config, atomically: true, encoding: .utf8)
        return (dir, config)
    }

    static func environment(_ changes: [String: String?]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for key in ["CREDENTIALS_DIRECTORY", "HACKWATCH_TEST_UNSET_URL", "JOURNAL_STREAM", "NOTIFY_SOCKET"] { environment[key] = nil }
        for (key, value) in changes { environment[key] = value }
        return environment
    }

    /// `<dir>` in a row stands for the config's folder. Rows: the sink's secret key and value,
    /// whether CREDENTIALS_DIRECTORY is <dir>, whether <dir>/hackwatch_hook exists, check's exit status
    /// and a line of its stderr.
    @Test(arguments: [
        ("url_env", "HACKWATCH_TEST_UNSET_URL", false, false, Int32(1),
         "<dir>/config.json: sink 'hook': environment variable HACKWATCH_TEST_UNSET_URL is not set"),
        ("url_file", "missing-url", false, false, Int32(1), "<dir>/config.json: sink 'hook': cannot read secret file <dir>/missing-url"),
        ("url_file", "$CREDENTIALS_DIRECTORY/hackwatch_hook", false, false, Int32(0),
         "warning: sink 'hook': url_file $CREDENTIALS_DIRECTORY/hackwatch_hook: CREDENTIALS_DIRECTORY is not set here; "
            + "only systemd sets it (LoadCredential=), so the file is checked when the service starts"),
        ("url_file", "$CREDENTIALS_DIRECTORY/hackwatch_hook", true, false, Int32(1),
         "<dir>/config.json: sink 'hook': cannot read secret file <dir>/hackwatch_hook"),
        ("url_file", "${CREDENTIALS_DIRECTORY}/hackwatch_hook", true, true, Int32(0), ""),
    ])
    func checkReportsSecretsRunWouldStopOn(key: String, value: String, credentials: Bool, fileExists: Bool,
                                           status: Int32, line: String) throws {
        let (dir, config) = try Self.makeConfig(sinks: #"{"name": "hook", "type": "webhook", "\#(key)": "\#(value)", "default": true}"#)
        defer { try? FileManager.default.removeItem(at: dir) }
        if fileExists { try "http://127.0.0.1:9/hook\n".write(to: dir.appendingPathComponent("hackwatch_hook"), atomically: true, encoding: .utf8) }
        let environment = Self.environment(["CREDENTIALS_DIRECTORY": credentials ? dir.path : nil])
        let check = try Binary.run(["check", "--config", config.path], environment: environment)
        #expect(check.status == status, "\(check.stderr)")
        let expected = line.replacingOccurrences(of: "<dir>", with: dir.path)
        if expected.isEmpty {
            #expect(check.stderr.isEmpty, "\(check.stderr)")
        } else {
            #expect(check.stderr.contains(expected + "\n"), "\(check.stderr)")
        }
        #expect(!check.stderr.contains("127.0.0.1:9"), "the secret itself is never printed")
        // What check calls an error, run refuses with EX_CONFIG; a clean check, run starts.
        if status != 0 {
            let run = try Binary.run(["run", "--config", config.path], environment: environment)
            #expect(run.status == 78, "\(run.stderr)")
        }
    }

    /// Two unusable sinks: two log lines, each a whole reason (they used to be folded into one).
    @Test func runLogsEachStartupProblemOnItsOwnLine() throws {
        let (dir, config) = try Self.makeConfig(sinks: """
            {"name": "a", "type": "slack", "url_env": "HACKWATCH_TEST_UNSET_URL", "default": true},
            {"name": "b", "type": "discord", "url_file": "nope", "default": true}
            """)
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try Binary.run(["run", "--config", config.path], environment: Self.environment([:]))
        #expect(run.status == 78)
        let lines = run.stderr.split(separator: "\n").filter { $0.contains("CRITICAL") }
        #expect(lines.count == 2, "\(run.stderr)")
        #expect(lines.first?.hasSuffix("CRITICAL hackwatch: cannot start: sink 'a': environment variable HACKWATCH_TEST_UNSET_URL is not set") == true)
        #expect(lines.last?.hasSuffix("CRITICAL hackwatch: cannot start: sink 'b': cannot read secret file \(dir.path)/nope") == true)
    }

    /// A metrics folder that does not exist: `check` says so, and `once` logs one clear line
    /// instead of a Foundation error dump.
    @Test func missingMetricsFolderIsCaughtByCheckAndLoggedInOneLine() throws {
        let (dir, config) = try Self.makeConfig(sinks: #"{"name": "out", "type": "stdout", "default": true}"#,
                                                extra: #", "metrics_textfile": "textfile/hackwatch.prom""#)
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = dir.appendingPathComponent("textfile").path
        let check = try Binary.run(["check", "--config", config.path], environment: Self.environment([:]))
        #expect(check.status == 1)
        #expect(check.stderr == "\(config.path): metrics_textfile: folder \(folder) does not exist\n", "\(check.stderr)")
        let once = try Binary.run(["once", "--config", config.path], environment: Self.environment([:]))
        #expect(once.status == 0, "\(once.stderr)")
        #expect(once.stderr.contains(#"WARNING hackwatch: cannot write metrics textfile error="metrics_textfile: folder \#(folder) does not exist" path="#),
                "\(once.stderr)")
        #expect(!once.stderr.contains("Domain"), "\(once.stderr)")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let fixed = try Binary.run(["check", "--config", config.path], environment: Self.environment([:]))
        #expect(fixed.status == 0, "\(fixed.stderr)")
    }
}
