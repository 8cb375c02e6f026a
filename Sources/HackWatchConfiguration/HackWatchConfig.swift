import Foundation
import HackWatchModel

/// The decoded, validated config file (see README "Configuration" for every key).
///
/// Paths are resolved when loading: relative `state_dir`, `rules`, `metrics_textfile` and
/// `url_file`/`secret_file` paths are relative to the config file's folder, not to the working
/// directory, so `hackwatch run --config /etc/hackwatch/config.json` behaves the same from anywhere.
package struct HackWatchConfig: Hashable, Sendable {
    /// The config file, as given.
    package var path: String
    /// Absolute: `state_dir`, else `$STATE_DIRECTORY` (systemd), else `state` beside the config.
    package var stateDir: String
    /// Absolute paths of rule files or folders of `*.rules` (default: `rules` beside the config).
    package var rules: [String]
    /// On a feed's first poll, incidents older than this are recorded silently (default 7d).
    package var baseline: TimeSpan
    /// Every feed, enabled or not, in file order.
    package var feeds: [FeedConfig]
    /// Every sink, enabled or not, in file order.
    package var sinks: [SinkConfig]
    /// swift-log level name: `trace`, `debug`, `info` (default), `notice`, `warning`, `error`, `critical`.
    package var logLevel: String
    /// node_exporter textfile to write metrics to (absolute), if any.
    package var metricsTextfile: String?
    /// A feed failing or stale this long raises one feed-health alert (default 1h).
    package var feedStaleAfter: TimeSpan
    /// Reports of one hack by several feeds within this window are merged (default 14d).
    package var correlationWindow: TimeSpan
    /// On SIGTERM, in-flight deliveries get this long to finish (default 10s).
    package var deliveryDeadline: TimeSpan
    /// A PEM CA bundle to trust instead of the system's for every HTTPS request (absolute), if any:
    /// pass it as `HTTPClient(caFile:)`.
    package var caFile: String?
    /// Exposure watchlist files (absolute; README "Exposure"), read at load and on every reload.
    package var exposure: [String] = []
    /// Attribution overlay files (absolute): name or address → group.
    package var attribution: [String] = []
    /// Sanctions lists (absolute): OFAC SDN XML files whose digital currency addresses name a group.
    package var sanctions: [String] = []
    /// An alerted incident whose loss moves by more than this share (default 0.10) gets an update.
    package var updateLossShare: Double = 0.10
    /// A new, late record (past a feed's first poll, older than `baseline`) that matches no known
    /// incident alerts instead of being recorded silently as history (default false).
    package var alertLateReports: Bool = false
    /// The HTTP listener (`http`), if configured.
    package var http: HTTPListenerConfig?
    /// Mute windows (`time_intervals`), in file order.
    package var timeIntervals: [MuteWindow] = []
    /// The shared PostgreSQL store (`store.postgres`), if configured; else SQLite in `state_dir`.
    package var postgres: PostgresStoreConfig?
    /// `time_zone`: digests' schedules are read in it (default UTC). `.gmt` rather than
    /// `TimeZone(identifier: "UTC")`: the latter opens ICU's zone data (~1.2 MiB resident) in
    /// every daemon, digests or not.
    package var timeZone: TimeZone = .gmt
    /// Scheduled summaries (`digests`), in file order.
    package var digests: [DigestConfig] = []

    /// Every top-level key.
    package static let topLevelKeys = [
        "state_dir", "rules", "baseline", "feeds", "sinks", "log_level", "metrics_textfile",
        "feed_stale_after", "correlation_window", "delivery_deadline", "ca_file", "http",
        "update_loss_share", "alert_late_reports", "exposure", "attribution", "sanctions", "time_intervals", "store", "time_zone", "digests",
    ]
    /// `log_level` values (swift-log's `Logger.Level`).
    package static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    /// Creates a config directly (tests, tools); `load` is the normal way.
    package init(path: String, stateDir: String, rules: [String], baseline: TimeSpan = TimeSpan(seconds: 7 * 86_400),
                feeds: [FeedConfig] = [], sinks: [SinkConfig] = [], logLevel: String = "info",
                metricsTextfile: String? = nil, feedStaleAfter: TimeSpan = TimeSpan(seconds: 3600),
                correlationWindow: TimeSpan = TimeSpan(seconds: 14 * 86_400),
                deliveryDeadline: TimeSpan = TimeSpan(seconds: 10), caFile: String? = nil) {
        self.path = path
        self.stateDir = stateDir
        self.rules = rules
        self.baseline = baseline
        self.feeds = feeds
        self.sinks = sinks
        self.logLevel = logLevel
        self.metricsTextfile = metricsTextfile
        self.feedStaleAfter = feedStaleAfter
        self.correlationWindow = correlationWindow
        self.deliveryDeadline = deliveryDeadline
        self.caFile = caFile
    }

    /// Reads and decodes the config file at `path`; every problem is reported at once.
    ///
    /// `sinkValidator` adds the type-specific sink checks, `"key: message"` per problem relative to
    /// the sink (type-specific keys, unknown ones included). This module knows only the keys every
    /// sink shares and the URL rules; the daemon passes notify's `SinkFactory.validate`
    /// (`DaemonRuntime.loadConfig`), so the configuration does not depend on the sinks.
    package static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                            sinkValidator: (@Sendable (SinkConfig) -> [String])? = nil) throws(ConfigError) -> HackWatchConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot read the config file" : "no such config file"
            throw ConfigError(file: path, problems: [ConfigProblem(path: "$", message: reason)])
        }
        return try decode(Array(data), path: path, environment: environment, sinkValidator: sinkValidator)
    }

    /// Decodes config JSON; `path` locates relative paths and prefixes messages. `sinkValidator`
    /// as for `load`.
    package static func decode(_ bytes: [UInt8], path: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                              sinkValidator: (@Sendable (SinkConfig) -> [String])? = nil) throws(ConfigError) -> HackWatchConfig {
        let document: JSONValue
        do throws(JSONParseError) {
            document = try JSONValue.parse(bytes)
        } catch {
            throw ConfigError(file: path, problems: [ConfigProblem(path: "$", message: "invalid JSON: \(describe(error, in: bytes))")])
        }
        var reader = ConfigReader(sinkValidator: sinkValidator)
        let config = reader.config(document, path: path, environment: environment)
        guard reader.problems.isEmpty, let config else {
            throw ConfigError(file: path, problems: reader.problems)
        }
        return config
    }

    /// The parser's message plus the line and column of its byte offset.
    private static func describe(_ error: JSONParseError, in bytes: [UInt8]) -> String {
        guard let offset = error.offset, offset <= bytes.count else { return error.description }
        let before = bytes[..<offset]
        let line = before.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        let column = offset - (before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0) + 1
        return "\(error.description) (line \(line), column \(column))"
    }
}

extension ConfigReader {
    /// The whole document; nil only when the top level is not an object.
    mutating func config(_ document: JSONValue, path: String, environment: [String: String]) -> HackWatchConfig? {
        let root = ConfigPath.root
        guard let members = object(document, at: root) else { return nil }
        rejectUnknownKeys(members, known: HackWatchConfig.topLevelKeys, at: root)
        let resolver = PathResolver(configPath: path, environment: environment)

        var config = HackWatchConfig(path: path, stateDir: "", rules: [])
        if let dir = string(members, "state_dir", at: root) {
            config.stateDir = resolver.resolve(dir)
        } else if let systemd = environment["STATE_DIRECTORY"]?.split(separator: ":").first, !systemd.isEmpty {
            // systemd sets a colon-separated list when StateDirectory= names several; ours is first.
            config.stateDir = resolver.resolve(String(systemd))
        } else {
            config.stateDir = resolver.resolve("state")
        }
        config.rules = rulePaths(members, at: root).map(resolver.resolve)
        config.baseline = duration(members, "baseline", at: root) ?? config.baseline
        config.logLevel = choice(members, "log_level", among: HackWatchConfig.logLevels, what: "log level", at: root) ?? config.logLevel
        config.metricsTextfile = string(members, "metrics_textfile", at: root).map(resolver.resolve)
        config.feedStaleAfter = duration(members, "feed_stale_after", at: root, positive: true) ?? config.feedStaleAfter
        config.correlationWindow = duration(members, "correlation_window", at: root) ?? config.correlationWindow
        config.deliveryDeadline = duration(members, "delivery_deadline", at: root) ?? config.deliveryDeadline
        storyOptions(members, into: &config, at: root)
        if let caFile = string(members, "ca_file", at: root).map(resolver.resolve) {
            // Checked now: a wrong path would otherwise fail every HTTPS poll with a TLS error.
            if FileManager.default.isReadableFile(atPath: caFile) { config.caFile = caFile }
            else { report(root.key("ca_file"), "cannot read CA file '\(caFile)'") }
        }
        config.http = httpListener(members, at: root, resolver: resolver)
        config.postgres = postgresStore(members, at: root, resolver: resolver)

        config.exposure = overlayPaths(members, "exposure", at: root).map(resolver.resolve)
        config.attribution = overlayPaths(members, "attribution", at: root).map(resolver.resolve)
        config.sanctions = overlayPaths(members, "sanctions", at: root).map(resolver.resolve)
        config.feeds = list(members, "feeds", at: root) { reader, value, path in reader.feed(value, at: path, resolver: resolver) }
        rejectDuplicateNames(config.feeds.map(\.name), key: "feeds", what: "feed", in: members)
        config.sinks = list(members, "sinks", at: root) { reader, value, path in reader.sink(value, at: path, resolver: resolver) }
        rejectDuplicateNames(config.sinks.map(\.name), key: "sinks", what: "sink", in: members)
        config.timeIntervals = muteWindows(members, sinks: config.sinks.map(\.name), at: root)
        digests(members, into: &config, at: root)
        return config
    }

    /// `rules`: one path or a list of them; default `["rules"]`.
    private mutating func rulePaths(_ members: [String: JSONValue], at root: ConfigPath) -> [String] {
        guard let value = members["rules"] else { return ["rules"] }
        if case .string = value { return string(members, "rules", at: root).map { [$0] } ?? [] }
        guard case .array(let items) = value else {
            report(root.key("rules"), "expected a list of paths, got \(value.typeName)")
            return []
        }
        return items.enumerated().compactMap { index, item in
            guard case .string(let text) = item, !text.isEmpty else {
                report(root.key("rules").index(index), item.stringValue == nil ? "expected a path string, got \(item.typeName)" : "must not be empty")
                return nil
            }
            return text
        }
    }

    /// `exposure`/`attribution`/`sanctions`: one path or a list of them; default none. The files
    /// themselves are read by the daemon's runtime load, which reports their problems.
    private mutating func overlayPaths(_ members: [String: JSONValue], _ key: String, at root: ConfigPath) -> [String] {
        guard let value = members[key] else { return [] }
        if case .string = value { return string(members, key, at: root).map { [$0] } ?? [] }
        guard case .array(let items) = value else {
            report(root.key(key), "expected a list of paths, got \(value.typeName)")
            return []
        }
        return items.enumerated().compactMap { index, item in
            guard case .string(let text) = item, !text.isEmpty else {
                report(root.key(key).index(index), item.stringValue == nil ? "expected a path string, got \(item.typeName)" : "must not be empty")
                return nil
            }
            return text
        }
    }

    /// Decodes each element of an array-valued key; elements that fail are left out.
    private mutating func list<T>(_ members: [String: JSONValue], _ key: String, at root: ConfigPath,
                                  _ element: (inout ConfigReader, JSONValue, ConfigPath) -> T?) -> [T] {
        guard let value = members[key] else { return [] }
        guard case .array(let items) = value else {
            report(root.key(key), "expected a list, got \(value.typeName)")
            return []
        }
        var result: [T] = []
        for (index, item) in items.enumerated() {
            if let decoded = element(&self, item, root.key(key).index(index)) { result.append(decoded) }
        }
        return result
    }

    /// Names must be unique within `feeds` and within `sinks` (rules and the state DB key on them).
    private mutating func rejectDuplicateNames(_ decoded: [String], key: String, what: String, in members: [String: JSONValue]) {
        // Walk the raw array so the path points at the entry even when an earlier one failed to decode.
        guard let items = members[key]?.arrayValue else { return }
        var firstIndex: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            guard let name = item.objectValue?["name"]?.stringValue, decoded.contains(name) else { continue }
            if let first = firstIndex[name] {
                report(ConfigPath.root.key(key).index(index).key("name"), "duplicate \(what) name '\(name)' (also at $.\(key)[\(first)])")
            } else {
                firstIndex[name] = index
            }
        }
    }

    /// Feed and sink names: letters, digits, `_`, `-`, `.` (they appear in rules, logs and metrics labels).
    mutating func name(_ members: [String: JSONValue], at path: ConfigPath) -> String? {
        guard let name = string(members, "name", at: path, required: true) else { return nil }
        let allowed = name.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil || "_-.".unicodeScalars.contains($0))
        }
        guard allowed else {
            report(path.key("name"), "'\(name)' may only hold letters, digits, '_', '-' and '.'")
            return nil
        }
        return name
    }
}

/// Resolves config-relative paths against the config file's folder.
struct PathResolver {
    let folder: URL

    init(configPath: String, environment: [String: String]) {
        folder = URL(fileURLWithPath: configPath).deletingLastPathComponent()
    }

    func resolve(_ path: String) -> String {
        if path.hasPrefix("/") { return URL(fileURLWithPath: path).standardizedFileURL.path }
        return URL(fileURLWithPath: path, relativeTo: folder).standardizedFileURL.path
    }
}
