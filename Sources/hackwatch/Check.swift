import ArgumentParser
import Foundation
import HackWatch

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Validate the config and every rules file.")

    @Option(help: "The config file.") var config: String

    /// Prints every config problem, or — when the config decodes — every rule diagnostic.
    /// Sinks are not built, so unset `url_env` variables are not errors here (they are at `run`).
    func run() throws {
        let decoded = try loadConfigOrExit(config)
        let rules = RuleLoader.load(paths: decoded.rules, sinkNames: decoded.sinks.map(\.name),
                                    validateTemplate: MessageTemplate.validate)
        if !rules.diagnostics.isEmpty { printError(rules.render()) }
        if rules.hasErrors { throw ExitCode.failure }
        let feeds = decoded.feeds.filter(\.enabled).count, sinks = decoded.sinks.filter(\.enabled).count
        print("\(config): OK — \(feeds) feeds, \(sinks) sinks, \(rules.ruleSet?.rules.count ?? 0) rules")
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
