import Foundation
import Logging
import HackWatchConfiguration
import HackWatchModel

/// The log level in force, shared by every handler so a SIGHUP reload can change it at once.
package final class LogLevelBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Logger.Level

    /// A box holding `level`.
    package init(_ level: Logger.Level) { value = level }

    /// The current level.
    package var level: Logger.Level {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}

/// A swift-log handler writing one line per message to stderr.
///
/// Under systemd (`JOURNAL_STREAM` set) lines carry a `<N>` syslog priority prefix that journald
/// turns into the entry's priority, and no timestamp (journald adds its own). Elsewhere lines start
/// with an ISO 8601 timestamp and the level name. Metadata follows as `key=value`; values are
/// whatever the caller passed, so callers never pass secrets (URLs go through redaction first).
package struct StderrLogHandler: LogHandler {
    /// Where the level lives (shared, reloadable).
    package let levelBox: LogLevelBox
    /// Whether to write journald's `<N>` prefixes instead of timestamps.
    package let journald: Bool
    private let label: String
    package var metadata: Logger.Metadata = [:]

    /// A handler for `label`; `journald` defaults to whether `JOURNAL_STREAM` is set.
    package init(label: String, levelBox: LogLevelBox, journald: Bool) {
        self.label = label
        self.levelBox = levelBox
        self.journald = journald
    }

    package var logLevel: Logger.Level {
        get { levelBox.level }
        set { levelBox.level = newValue }
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        let line = format(level: event.level, message: event.message, metadata: event.metadata)
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// One log line without its trailing newline.
    package func format(level: Logger.Level, message: Logger.Message, metadata extra: Logger.Metadata?,
                       now: Date = Date()) -> String {
        var merged = metadata
        if let extra { merged.merge(extra) { $1 } }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quoted("\($0.value)"))" }
        // Folding newlines keeps one event on one journal line.
        let text = ([String(describing: message).replacingOccurrences(of: "\n", with: " ")] + fields).joined(separator: " ")
        if journald { return "<\(Self.syslogPriority(level))>\(text)" }
        return "\(Self.timestamp(now)) \(level.rawValue.uppercased()) \(label): \(text)"
    }

    /// swift-log level → syslog priority (RFC 5424 severity).
    package static func syslogPriority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    static func quoted(_ value: String) -> String {
        value.contains(where: { $0 == " " || $0 == "\"" || $0.isNewline }) ? "\"" + value
            .replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n") + "\"" : value
    }

    /// By hand, not with `ISO8601DateFormatter`: that would load ICU into an idle daemon.
    static func timestamp(_ date: Date) -> String { UTCTimestamp.milliseconds(date) }
}

/// Process-wide logging setup for the daemon and commands.
package enum DaemonLogging {
    /// The shared level (changed by reloads).
    package static let level = LogLevelBox(.info)

    /// Parses a config/CLI level name (`trace` … `critical`, case-insensitive).
    package static func parseLevel(_ text: String) -> Logger.Level? {
        Logger.Level(rawValue: text.lowercased())
    }

    /// Installs `StderrLogHandler` as swift-log's backend. Call once, first thing in `main`.
    /// `HACKWATCH_LOG_LEVEL` overrides `level` (handy for one-off debugging under systemd).
    package static func bootstrap(level initial: Logger.Level = .info,
                                 environment: [String: String] = ProcessInfo.processInfo.environment) {
        level.level = environmentLevel(environment) ?? initial
        let journald = isJournalStream(environment["JOURNAL_STREAM"], fd: 2)
        LoggingSystem.bootstrap { label in StderrLogHandler(label: label, levelBox: level, journald: journald) }
    }

    /// Whether `fd` is the journal stream systemd announced in `JOURNAL_STREAM` ("device:inode").
    /// Comparing both keeps `<N>` prefixes out of a file or terminal stderr was redirected to
    /// while the variable was inherited.
    package static func isJournalStream(_ value: String?, fd: Int32) -> Bool {
        guard let parts = value?.split(separator: ":"), parts.count == 2,
              let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }

    /// Applies a level from config, unless the environment pinned a valid one.
    package static func apply(configLevel: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard environmentLevel(environment) == nil, let parsed = parseLevel(configLevel) else { return }
        level.level = parsed
    }

    /// `HACKWATCH_LOG_LEVEL`, when it names a level.
    static func environmentLevel(_ environment: [String: String]) -> Logger.Level? {
        environment["HACKWATCH_LOG_LEVEL"].flatMap(parseLevel)
    }

    /// The warning to log when `HACKWATCH_LOG_LEVEL` is set but names no level (it is then
    /// ignored and `log_level` applies), else nil.
    package static func environmentProblem(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        guard let text = environment["HACKWATCH_LOG_LEVEL"], parseLevel(text) == nil else { return nil }
        return "HACKWATCH_LOG_LEVEL '\(text)' is not one of \(HackWatchConfig.logLevels.joined(separator: ", ")); ignored"
    }
}
