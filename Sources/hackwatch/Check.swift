import ArgumentParser
import Foundation
import HackWatchConfiguration
import HackWatchDaemon

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Validate the config and every rules file.")

    @Option(name: [.customShort("c"), .long], help: ConfigFile.help) var config = ConfigFile.defaultPath

    func validate() throws { try ConfigFile.validate(config) }

    /// Prints every config problem, or — when the config decodes — every rule diagnostic, then
    /// what `run` would still stop on that can be seen from here: unset `url_env` variables,
    /// missing or unreadable `url_file`s, a `metrics_textfile` folder that is missing or not
    /// writable. A `$CREDENTIALS_DIRECTORY` file outside systemd is a warning: only the service
    /// has that folder.
    func run() throws {
        let runtime = try loadRuntimeOrExit(config)
        if !runtime.ruleWarnings.isEmpty { printError(runtime.ruleWarnings) }
        for problem in runtime.unroutableRules { printError("warning: \(problem)") }
        let secrets = SecretCheck.run(runtime.config)
        for warning in secrets.warnings { printError("warning: \(warning)") }
        var errors = secrets.errors
        if let metrics = runtime.config.metricsTextfile, let problem = MetricsTextfile.problem(path: metrics) {
            errors.append("\(problem)")
        }
        guard errors.isEmpty else {
            for error in errors { printError("\(config): \(error)") }
            throw ExitCode.failure
        }
        // `run` would exit 78 on these; say so now rather than after the service is enabled.
        let stateProblems = StateDirectory.problems(runtime.config.stateDir)
        for problem in stateProblems { printError(problem) }
        guard stateProblems.isEmpty else { throw ExitCode.failure }
        let sinks = runtime.config.sinks.filter(\.enabled).count
        let exposure = runtime.overlays.entries.count
        let watchlist = exposure == 0 ? "" : ", \(exposure) exposure \(exposure == 1 ? "entry" : "entries")"
        print("\(config): OK — \(runtime.feeds.count) feeds, \(sinks) sinks, \(runtime.ruleSet.rules.count) rules\(watchlist)")
    }
}

/// Config and rules loaded as `run` loads them, minus the sinks (no secrets needed), or every
/// problem printed to stderr and exit status 1.
func loadRuntimeOrExit(_ path: String) throws -> DaemonRuntime {
    do {
        return try DaemonRuntime.load(configPath: path, buildSinks: false)
    } catch {
        printError("\(error)")
        throw ExitCode.failure
    }
}

/// The decoded config, or every problem printed to stderr and exit status 1.
func loadConfigOrExit(_ path: String) throws -> HackWatchConfig {
    do {
        return try DaemonRuntime.loadConfig(path: path)
    } catch {
        printError("\(error)")
        throw ExitCode.failure
    }
}

/// Writes `text` and a newline to stderr.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}
