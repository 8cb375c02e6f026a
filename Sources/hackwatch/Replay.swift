import ArgumentParser
import Foundation
import HackWatchConfiguration
import HackWatchDaemon
import HackWatchFeeds
import HackWatchModel

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "replay", abstract: "Backtest rules against a feed file.")

    @Option(help: "The config file (for its rules).") var config: String
    @Option(help: "A saved feed body (e.g. a copy of api.llama.fi/hacks).") var input: String
    @Option(help: "defillama, rss, atom, json or auto.") var format: String = "auto"
    @Option(help: "Only incidents on or after this date (YYYY-MM-DD or ISO 8601).") var since: String?

    func run() throws {
        let runtime = try loadRuntimeOrExit(config)
        var sinceDate: Date?
        if let since {
            guard let parsed = Incident.parseDate(since) else {
                throw ValidationError("--since: expected a date like 2024-01-31 or 2024-01-31T00:00:00Z, got '\(since)'")
            }
            sinceDate = parsed
        }
        guard let feedFormat = FeedFormat(rawValue: format) else {
            throw ValidationError("--format: expected one of \(FeedFormat.allCases.map(\.rawValue).joined(separator: ", ")), got '\(format)'")
        }
        guard let data = FileManager.default.contents(atPath: input) else {
            throw ValidationError("--input: cannot read \(input)")
        }
        let feed = FeedConfig(name: "replay", url: URL(fileURLWithPath: input).absoluteString, format: feedFormat)
        let parsed: FeedParseResult
        do {
            parsed = try FeedParser.parse(Array(data), config: feed)
        } catch {
            printError("\(input): \(error)")
            throw ExitCode.failure
        }
        for warning in parsed.warnings { printError("\(input): \(warning)") }
        // The exposure watchlist and attribution overlays apply as in the daemon (README "Exposure").
        let incidents = parsed.incidents.map(runtime.overlays.apply)
        print(ReplayReport.make(ruleSet: runtime.ruleSet, incidents: incidents, since: sinceDate).render())
    }
}
