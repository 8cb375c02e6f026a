import Foundation
import Testing
import TestSupport
@testable import HackWatchConfiguration
@testable import HackWatchModel
@testable import HackWatchNotify

@Suite struct HackWatchConfigTests {
    static let feed = #"{"name": "llama", "url": "https://api.llama.fi/hacks", "format": "defillama"}"#

    /// Decodes with the sink factory's checks passed explicitly (the global hook is left alone).
    static func decode(_ json: String, path: String = "/etc/hackwatch/config.json", environment: [String: String] = [:],
                       sinkValidator: (@Sendable (SinkConfig) -> [String])? = SinkFactory.validate) throws(ConfigError) -> HackWatchConfig {
        try HackWatchConfig.decode(Array(json.utf8), path: path, environment: environment, sinkValidator: sinkValidator)
    }

    /// The rendered problems (`path: message`) of a config that must fail.
    static func problems(_ json: String, sinkValidator: (@Sendable (SinkConfig) -> [String])? = SinkFactory.validate) -> [String] {
        do {
            _ = try decode(json, sinkValidator: sinkValidator)
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    static let errorCases: [(String, [String])] = [
        (#"[1]"#, ["$: expected an object, got array"]),
        (#"{"feeds": [}"#, ["$: invalid JSON: unexpected '}' at byte 11 (line 1, column 12)"]),
        ("{\n  \"feeds\": 3,\n}", ["$: invalid JSON: unexpected '}' at byte 16 (line 3, column 1)"]),
        (#"{"feds": []}"#, ["$.feds: unknown key 'feds'; did you mean 'feeds'?"]),
        (#"{"state_dir": 5}"#, ["$.state_dir: expected a string, got number"]),
        (#"{"baseline": "7x"}"#, [#"$.baseline: invalid duration "7x"; use a number with a unit s, m, h, d or w ("90s", "5m") or a number of seconds"#]),
        (#"{"baseline": -5}"#, [#"$.baseline: invalid duration -5; use a number with a unit s, m, h, d or w ("90s", "5m") or a number of seconds"#]),
        (#"{"delivery_deadline": true}"#, [#"$.delivery_deadline: expected a duration (a string such as "90s", "5m", "1h", "7d" or a number of seconds), got boolean"#]),
        (#"{"feed_stale_after": "0s"}"#, ["$.feed_stale_after: must be longer than zero"]),
        (#"{"log_level": "warn"}"#, ["$.log_level: unknown log level 'warn'; did you mean 'warning'? (one of trace, debug, info, notice, warning, error, critical)"]),
        (#"{"rules": [""], "metrics_textfile": []}"#, ["$.rules[0]: must not be empty", "$.metrics_textfile: expected a string, got array"]),
        (#"{"ca_file": "certs/none.pem"}"#, ["$.ca_file: cannot read CA file '/etc/hackwatch/certs/none.pem'"]),
        (#"{"rules": {"a": 1}}"#, ["$.rules: expected a list of paths, got object"]),
        (#"{"feeds": {}}"#, ["$.feeds: expected a list, got object"]),
        (#"{"feeds": [{"url": "https://x.example/f"}]}"#, ["$.feeds[0].name: required key is missing"]),
        (#"{"feeds": [{"name": "a b", "url": "https://x.example/f"}]}"#, ["$.feeds[0].name: 'a b' may only hold letters, digits, '_', '-' and '.'"]),
        (#"{"feeds": [{"name": "a", "url": "ftp://x.example/f?key=SECRET"}]}"#, ["$.feeds[0].url: expected an http://, https:// or file:// URL, got 'ftp://x.example/…'"]),
        (#"{"feeds": [{"name": "a", "url": "https://x/f", "format": "rdf"}]}"#, ["$.feeds[0].format: unknown format 'rdf'; did you mean 'rss'? (one of defillama, rss, atom, json, html, xml, auto)"]),
        (#"{"feeds": [{"name": "a", "url": "https://x/f", "interval": "0"}]}"#, ["$.feeds[0].interval: must be longer than zero"]),
        (#"{"feeds": [{"name": "a", "url": "https://x/f", "intervall": "5m", "enabled": "yes"}]}"#,
         ["$.feeds[0].intervall: unknown key 'intervall'; did you mean 'interval'?", "$.feeds[0].enabled: expected true or false, got string"]),
        (#"{"feeds": [{"name": "a", "url": "https://x/f", "max_bytes": 1.5, "timeout": "30 s"}]}"#,
         [#"$.feeds[0].timeout: invalid duration "30 s"; use a number with a unit s, m, h, d or w ("90s", "5m") or a number of seconds"#, "$.feeds[0].max_bytes: expected a positive whole number, got 1.5"]),
        (#"{"feeds": [{"name": "a", "url": "https://x/f", "headers": {"X Key": "v", "Accept": 1, "X-Ok": "a\nb"}}]}"#,
         ["$.feeds[0].headers.Accept: expected a string, got number", "$.feeds[0].headers['X Key']: invalid header name 'X Key'", "$.feeds[0].headers.X-Ok: header value must be a single line"]),
        (#"{"feeds": [{"name": "a", "url": "https://x/f", "format": "json", "mapping": {"nam": "/n", "loss": "amount"}, "amount_scale": 0}]}"#,
         ["$.feeds[0].mapping.loss: invalid JSON Pointer 'amount': must be empty or start with '/'",
          "$.feeds[0].mapping.nam: unknown field 'nam'; did you mean 'name'?",
          "$.feeds[0].mapping: 'name' is required (a JSON Pointer to the protocol's name, e.g. \"/name\")",
          "$.feeds[0].amount_scale: must be a positive number, got 0.0"]),
        (#"{"feeds": [{"name": "a", "url": "https://x/f", "format": "rss", "mapping": {"name": "/n"}, "items": "/x"}]}"#,
         ["$.feeds[0].items: unknown key 'items'; did you mean 'items_pointer'?", #"$.feeds[0].mapping: only used with format "json", "html" or "xml" (this feed is rss)"#]),
        (#"{"feeds": [\#(feed), {"name": "b", "url": "file:///f"}, \#(feed)]}"#, ["$.feeds[2].name: duplicate feed name 'llama' (also at $.feeds[0])"]),
        (#"{"sinks": [{"name": "chat", "type": "slak", "url_env": "X"}]}"#, ["$.sinks[0].type: unknown sink type 'slak'; did you mean 'slack'? (one of slack, discord, teams, mattermost, telegram, ntfy, pagerduty, webhook, syslog, stdout)"]),
        (#"{"sinks": [{"name": "chat"}]}"#, ["$.sinks[0].type: required key is missing (one of slack, discord, teams, mattermost, telegram, ntfy, pagerduty, webhook, syslog, stdout)"]),
        (#"{"sinks": [{"name": "chat", "type": "slack", "url": "https://h/T/B/X", "url_env": "SLACK"}]}"#, ["$.sinks[0].url_env: 'url' and 'url_env' are exclusive; give only one"]),
        (#"{"sinks": [{"name": "hook", "type": "webhook", "url_env": "U", "secret_env": "S", "secret_file": "s.key"}]}"#, ["$.sinks[0].secret_file: 'secret_env' and 'secret_file' are exclusive; give only one"]),
        (#"{"sinks": [{"name": "chat", "type": "discord"}]}"#, ["$.sinks[0].url: sink type 'discord' needs one of url, url_env, url_file"]),
        (#"{"sinks": [{"name": "chat", "type": "slack", "url": "hooks.slack.com/services/T0/B0/SECRET"}]}"#, ["$.sinks[0].url: must be an http:// or https:// URL"]),
        (#"{"sinks": [{"name": "chat", "type": "slack", "url_env": "1BAD-NAME"}]}"#, ["$.sinks[0].url_env: '1BAD-NAME' is not an environment variable name"]),
        (#"{"sinks": [{"name": "log", "type": "syslog", "url": "https://x/y"}]}"#, ["$.sinks[0].url: sink type 'syslog' takes no url"]),
        (#"{"sinks": [{"name": "out", "type": "stdout", "min_severity": "hgh", "default": "true"}]}"#,
         ["$.sinks[0].default: expected true or false, got string", "$.sinks[0].min_severity: unknown severity 'hgh'; did you mean 'high'? (one of info, low, medium, high, critical)"]),
        (#"{"sinks": [{"name": "out", "type": "stdout", "defualt": true}]}"#, ["$.sinks[0].defualt: unknown key 'defualt'; did you mean 'default'?"]),
        (#"{"sinks": [{"name": "out", "type": "stdout"}, {"name": "out", "type": "syslog"}]}"#, ["$.sinks[1].name: duplicate sink name 'out' (also at $.sinks[0])"]),
        (#"{"sinks": [3, {"name": "", "type": "stdout"}]}"#, ["$.sinks[0]: expected an object, got number", "$.sinks[1].name: must not be empty"]),
    ]

    @Test(arguments: errorCases)
    func reportsEveryProblemWithItsPath(json: String, expected: [String]) {
        #expect(Self.problems(json) == expected)
    }

    /// Type-specific checks come from the sink factory; these pin that they arrive at the sink's path.
    static let sinkFactoryCases: [(String, [String])] = [
        (#"{"sinks": [{"name": "log", "type": "syslog", "facility": "kernl", "adress": "udp://h:514"}]}"#,
         ["$.sinks[0].adress: unknown key for sink type 'syslog'; did you mean 'address'?", "$.sinks[0].facility: unknown facility 'kernl'; did you mean 'kern'?"]),
        (#"{"sinks": [{"name": "tg", "type": "telegram", "secret_env": "TG_TOKEN"}]}"#, ["$.sinks[0].chat_id: sink type 'telegram' needs chat_id"]),
        (#"{"sinks": [{"name": "out", "type": "stdout", "secret": "x"}]}"#, ["$.sinks[0].secret: sink type 'stdout' takes no secret"]),
    ]

    @Test(arguments: sinkFactoryCases)
    func sinkFactoryChecksTypeSpecificKeys(json: String, expected: [String]) {
        #expect(Self.problems(json) == expected)
    }

    /// With the hook set to nil, the URL rules still hold, in the same words.
    static let withoutSinkValidator: [(String, [String])] = [
        (#"{"sinks": [{"name": "chat", "type": "discord"}]}"#, ["$.sinks[0].url: sink type 'discord' needs one of url, url_env, url_file"]),
        (#"{"sinks": [{"name": "chat", "type": "slack", "url": "hooks.slack.com/T0/SECRET"}]}"#, ["$.sinks[0].url: must be an http:// or https:// URL"]),
        (#"{"sinks": [{"name": "log", "type": "syslog", "url_env": "X", "secret_file": "k", "facility": "anything"}]}"#,
         ["$.sinks[0].url: sink type 'syslog' takes no url", "$.sinks[0].secret: sink type 'syslog' takes no secret"]),
        (#"{"sinks": [{"name": "out", "type": "stdout", "min_severty": "high"}]}"#, ["$.sinks[0].min_severty: unknown key 'min_severty'; did you mean 'min_severity'?"]),
    ]

    @Test(arguments: withoutSinkValidator)
    func sharedKeysAreCheckedWithoutTheSinkFactory(json: String, expected: [String]) {
        #expect(Self.problems(json, sinkValidator: nil) == expected)
    }

    @Test func secretsNeverAppearInProblems() {
        let json = #"{"sinks": [{"name": "c", "type": "slack", "url": "hooks.example/T0/B0/TOPSECRET", "url_env": "X"}],"# +
            #""feeds": [{"name": "f", "url": "gopher://h/p?token=TOPSECRET"}]}"#
        let text = Self.problems(json).joined(separator: "\n")
        #expect(!text.isEmpty)
        #expect(!text.contains("TOPSECRET"))
    }

    @Test func errorDescriptionPrefixesTheFile() {
        #expect(throws: ConfigError(file: "c.json", problems: [ConfigProblem(path: "$.sinks[0].type", message: "unknown sink type 'slak'; did you mean 'slack'? (one of slack, discord, teams, mattermost, telegram, ntfy, pagerduty, webhook, syslog, stdout)")])) {
            try HackWatchConfig.decode(Array(#"{"sinks": [{"name": "a", "type": "slak"}]}"#.utf8), path: "c.json", environment: [:])
        }
        let error = ConfigError(file: "config.json", problems: [ConfigProblem(path: "$.a", message: "x"), ConfigProblem(path: "$.b", message: "y")])
        #expect(error.description == "config.json: $.a: x\nconfig.json: $.b: y")
    }

    @Test func defaultsAndRelativePaths() throws {
        let config = try Self.decode("{}")
        #expect(config.stateDir == "/etc/hackwatch/state")
        #expect(config.rules == ["/etc/hackwatch/rules"])
        #expect(config.baseline == TimeSpan(seconds: 7 * 86_400))
        #expect(config.logLevel == "info")
        #expect(config.metricsTextfile == nil)
        #expect(config.feedStaleAfter == TimeSpan(seconds: 3600))
        #expect(config.correlationWindow == TimeSpan(seconds: 14 * 86_400))
        #expect(config.deliveryDeadline == TimeSpan(seconds: 10))
        #expect(config.feeds.isEmpty && config.sinks.isEmpty)
    }

    @Test func stateDirectoryPrecedence() throws {
        let systemd = ["STATE_DIRECTORY": "/var/lib/hackwatch:/var/lib/other"]
        #expect(try Self.decode("{}", environment: systemd).stateDir == "/var/lib/hackwatch")
        #expect(try Self.decode(#"{"state_dir": "../data"}"#, environment: systemd).stateDir == "/etc/data")
        #expect(try Self.decode(#"{"state_dir": "/srv/hw/"}"#).stateDir == "/srv/hw")
    }

    @Test func fullConfigDecodes() throws {
        let json = #"""
        {
          "state_dir": "var", "rules": ["rules", "/opt/extra.rules"], "baseline": 0, "log_level": "debug",
          "metrics_textfile": "metrics/hackwatch.prom", "feed_stale_after": "2h", "correlation_window": "10d",
          "delivery_deadline": 5.5,
          "feeds": [
            {"name": "llama", "url": "https://api.llama.fi/hacks", "format": "defillama", "interval": "90s",
             "timeout": 20, "max_bytes": 2000000, "headers": {"X-Api-Key": "k"}},
            {"name": "bs", "url": "file:///srv/feed.json", "format": "json", "enabled": false, "items_pointer": "/list",
             "mapping": {"name": "/project", "loss": "/loss"}, "amount_scale": 1000000, "date_format": "unix_ms"}
          ],
          "sinks": [
            {"name": "chat", "type": "slack", "url_env": "SLACK_URL", "default": true, "min_severity": "high"},
            {"name": "hook", "type": "webhook", "url_file": "creds/hook", "secret_file": "$CREDENTIALS_DIRECTORY/key"},
            {"name": "log", "type": "syslog", "facility": "local3", "address": "udp://127.0.0.1:514", "enabled": false}
          ]
        }
        """#
        let config = try Self.decode(json, path: "conf/config.json")
        let folder = FileManager.default.currentDirectoryPath + "/conf"
        #expect(config.path == "conf/config.json")
        #expect(config.stateDir == folder + "/var")
        #expect(config.rules == [folder + "/rules", "/opt/extra.rules"])
        #expect(config.baseline == TimeSpan(seconds: 0))
        #expect(config.logLevel == "debug")
        #expect(config.metricsTextfile == folder + "/metrics/hackwatch.prom")
        #expect(config.feedStaleAfter == TimeSpan(seconds: 7200))
        #expect(config.correlationWindow == TimeSpan(seconds: 864_000))
        #expect(config.deliveryDeadline == TimeSpan(seconds: 5.5))
        #expect(config.feeds == [
            FeedConfig(name: "llama", url: "https://api.llama.fi/hacks", format: .defillama, interval: TimeSpan(seconds: 90),
                       timeout: TimeSpan(seconds: 20), maxBytes: 2_000_000, headers: ["X-Api-Key": "k"]),
            FeedConfig(name: "bs", url: "file:///srv/feed.json", format: .json, enabled: false,
                       mapping: ["name": "/project", "loss": "/loss"], itemsPointer: "/list", amountScale: 1e6, dateFormat: "unix_ms"),
        ])
        #expect(config.sinks == [
            SinkConfig(name: "chat", type: "slack", isDefault: true, minSeverity: .high, url: .environment("SLACK_URL")),
            SinkConfig(name: "hook", type: "webhook", url: .file(folder + "/creds/hook"), secret: .file("$CREDENTIALS_DIRECTORY/key")),
            SinkConfig(name: "log", type: "syslog", enabled: false,
                       settings: ["facility": .string("local3"), "address": .string("udp://127.0.0.1:514")]),
        ])
    }

    @Test func feedFormatDefaultsToAuto() throws {
        let config = try Self.decode(#"{"feeds": [{"name": "x", "url": "https://x.example/feed"}]}"#)
        #expect(config.feeds.map(\.format) == [.auto])
        #expect(config.feeds[0].interval == TimeSpan(seconds: 300))
    }

    @Test func loadReadsTheFileAndReportsAMissingOne() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("config.json").path
        try Data(#"{"rules": "my.rules", "ca_file": "ca.pem"}"#.utf8).write(to: URL(fileURLWithPath: file))
        try Data("pem".utf8).write(to: dir.appendingPathComponent("ca.pem"))
        let config = try HackWatchConfig.load(path: file, environment: [:])
        #expect(config.rules == [dir.appendingPathComponent("my.rules").standardizedFileURL.path])
        #expect(config.caFile == dir.appendingPathComponent("ca.pem").standardizedFileURL.path)
        #expect(throws: ConfigError(file: file + ".missing", problems: [ConfigProblem(path: "$", message: "no such config file")])) {
            try HackWatchConfig.load(path: file + ".missing", environment: [:])
        }
    }
}

extension HackWatchConfigTests {
    @Test func sinkValidatorProblemsArePlacedUnderTheSink() {
        let validator: @Sendable (SinkConfig) -> [String] = { sink in
            (sink.settings["facility"] == .string("kern") ? ["facility: 'kern' is not allowed"] : [])
                + sink.settings.keys.filter { $0 != "facility" }.map { "\($0): handed to the validator" }
        }
        let json = #"{"sinks": [{"name": "log", "type": "syslog", "facility": "kern"}, {"name": "ok", "type": "stdout", "defualt": 1}]}"#
        #expect(throws: ConfigError(file: "c.json", problems: [
            ConfigProblem(path: "$.sinks[0].facility", message: "'kern' is not allowed"),
            // A near-miss of a shared key is reported once, and never handed to the validator.
            ConfigProblem(path: "$.sinks[1].defualt", message: "unknown key 'defualt'; did you mean 'default'?"),
        ])) {
            try HackWatchConfig.decode(Array(json.utf8), path: "c.json", environment: [:], sinkValidator: validator)
        }
    }
}
