import ArgumentParser
import Foundation
import HackWatchConfiguration
import HackWatchDaemon

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Validate the config and every rules file.")

    @Option(help: "The config file.") var config: String

    /// Prints every config problem, or — when the config decodes — every rule diagnostic: the
    /// same load as `run`, minus the sinks, so unset `url_env` variables are not errors here
    /// (they are at `run`).
    func run() throws {
        let runtime = try loadRuntimeOrExit(config)
        if !runtime.ruleWarnings.isEmpty { printError(runtime.ruleWarnings) }
        for problem in runtime.unroutableRules { printError("warning: \(problem)") }
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
