import Foundation
import HackWatchConfiguration
import HackWatchFeeds
import HackWatchHTTP
import HackWatchModel
import HackWatchNotify
import HackWatchRules
import HackWatchTemplates
import HackWatchWeb

/// Everything a reload replaces, as one immutable value: config, compiled rules and the sinks
/// built from the config. A reload builds a whole new runtime and swaps it in only when every
/// part loaded, so the daemon never runs half-new config with half-old rules.
package struct DaemonRuntime: Sendable {
    /// The decoded config.
    package var config: HackWatchConfig
    /// The compiled rules.
    package var ruleSet: RuleSet
    /// Warnings from the rules load (errors make the load fail).
    package var ruleWarnings: String
    /// Enabled sinks by name.
    package var sinks: [String: any Sink]
    /// Sink configs by name (enabled ones), for `min_severity`.
    package var sinkConfigs: [String: SinkConfig]
    /// Names of enabled sinks with `"default": true` (rules without `notify`).
    package var defaultSinks: [String]
    /// The exposure watchlist and attribution overlays (README "Exposure"), applied to each
    /// incident before rules are evaluated; empty when the config names none.
    package var overlays = ExposureOverlays()
    /// The config's digests, checked (README "Digests").
    package var digests: [DigestPlan] = []

    /// A runtime from parts (tests, tools); `load` is the normal way.
    package init(config: HackWatchConfig, ruleSet: RuleSet, ruleWarnings: String = "", sinks: [String: any Sink] = [:],
                sinkConfigs: [SinkConfig]) {
        let enabled = sinkConfigs.filter(\.enabled)
        self.config = config
        self.ruleSet = ruleSet
        self.ruleWarnings = ruleWarnings
        self.sinks = sinks
        self.sinkConfigs = Dictionary(enabled.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        self.defaultSinks = enabled.filter(\.isDefault).map(\.name)
    }

    /// Enabled feeds.
    package var feeds: [FeedConfig] { config.feeds.filter(\.enabled) }

    /// Where a rule's alerts go: its `notify` (or the default sinks), minus disabled sinks and
    /// sinks whose `min_severity` is above the rule's severity.
    package func destinations(notify: [String]?, severity: Severity) -> [String] {
        (notify ?? defaultSinks).filter { name in
            guard let sink = sinkConfigs[name] else { return false }
            return severity >= sink.minSeverity
        }
    }
}

/// Why a runtime could not be built. `description` holds every problem, ready to print or log;
/// none contains a secret (config and sink errors name variables and files, never values).
package enum RuntimeError: Error, CustomStringConvertible {
    /// The config file has problems (all of them, with JSON paths).
    case config(ConfigError)
    /// Rule files have errors (all diagnostics of the load, warnings included).
    case rules([Diagnostic])
    /// A sink could not be built (e.g. its `url_env` variable is unset).
    case sinks([SinkError])
    /// Exposure, attribution or sanctions files have problems (all of them, with JSON paths).
    case overlays(ExposureOverlays.LoadError)
    /// The HTTP listener could not start (address in use, unreadable token file).
    case http(WebServerError)

    package var description: String {
        switch self {
        case .config(let error): "\(error)"
        case .rules(let diagnostics): diagnostics.map(\.rendered).joined(separator: "\n")
        case .sinks(let errors): errors.map { "\($0)" }.joined(separator: "\n")
        case .overlays(let error): error.description
        case .http(let error): "\(error)"
        }
    }

    /// One line per problem, for logs (a log line folds newlines, which would run problems
    /// together): config problems with their paths, rule diagnostics without the source excerpt.
    package var lines: [String] {
        switch self {
        case .config(let error): error.description.split(separator: "\n").map(String.init)
        case .rules(let diagnostics): diagnostics.map(\.description)
        case .sinks(let errors): errors.map(\.description)
        case .http(let error): ["\(error)"]
        case .overlays(let error): error.description.split(separator: "\n").map(String.init)
        }
    }
}

extension DaemonRuntime {
    /// Decodes the config, with notify's type-specific sink checks.
    package static func loadConfig(path: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ConfigError) -> HackWatchConfig {
        return try HackWatchConfig.load(path: path, environment: environment, sinkValidator: SinkFactory.validate)
    }

    /// Loads config, rules and sinks. `buildSinks: false` skips sink construction (`check`,
    /// `replay` and `--dry-run` need no secrets to be present).
    package static func load(configPath: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                            client: HTTPClient = HTTPClient(), buildSinks: Bool = true) throws(RuntimeError) -> DaemonRuntime {
        let config: HackWatchConfig
        do {
            config = try loadConfig(path: configPath, environment: environment)
        } catch {
            throw .config(error)
        }
        let result = RuleLoader.load(paths: config.rules, sinkNames: config.sinks.map(\.name),
                                     validateTemplate: MessageTemplate.validate)
        guard let ruleSet = result.ruleSet, !result.hasErrors else { throw .rules(result.diagnostics) }
        if let error = unknownWindowRules(config, ruleNames: ruleSet.rules.map(\.name)) { throw .config(error) }
        let overlays: ExposureOverlays
        do throws(ExposureOverlays.LoadError) {
            overlays = try ExposureOverlays.load(exposure: config.exposure, attribution: config.attribution, sanctions: config.sanctions)
        } catch {
            throw .overlays(error)
        }
        let digests = try DigestPlan.plans(config)
        var client = client
        if let caFile = config.caFile { client.caFile = caFile }
        let enabled = config.sinks.filter(\.enabled)
        var sinks: [String: any Sink] = [:]
        var errors: [SinkError] = []
        if buildSinks {
            for sink in enabled {
                do {
                    sinks[sink.name] = try SinkFactory.make(sink, client: client, environment: environment)
                } catch {
                    errors.append(error)
                }
            }
        }
        guard errors.isEmpty else { throw .sinks(errors) }
        var runtime = DaemonRuntime(config: config, ruleSet: ruleSet, ruleWarnings: result.diagnostics.isEmpty ? "" : result.render(),
                                    sinks: sinks, sinkConfigs: config.sinks)
        runtime.overlays = overlays
        runtime.digests = digests
        return runtime
    }
}
