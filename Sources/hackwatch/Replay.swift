import ArgumentParser
import Foundation
import HackWatchConfiguration
import HackWatchDaemon
import HackWatchFeeds
import HackWatchModel

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "replay", abstract: "Backtest rules against a feed file.")

    @Option(name: [.customShort("c"), .long], help: ConfigFile.help) var config = ConfigFile.defaultPath

    func validate() throws { try ConfigFile.validate(config) }
    @Option(help: "A saved feed body (e.g. a copy of api.llama.fi/hacks).") var input: String
    @Option(help: "defillama, rss, atom, json, html, xml or auto (default auto, unless --feed or --preset).") var format: String?
    @Option(help: "Read the input as this configured feed (its mapping and transforms).") var feed: String?
    @Option(help: "Read the input as this preset (see 'hackwatch presets').") var preset: String?
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
        if let format, FeedFormat(rawValue: format) == nil {
            throw ValidationError("--format: expected one of \(FeedFormat.allCases.map(\.rawValue).joined(separator: ", ")), got '\(format)'")
        }
        let selection = FeedSelection(config: runtime.config, feed: self.feed, preset: preset,
                                      format: self.feed == nil && preset == nil ? format ?? "auto" : format)
        let feed = try selection.resolve(input: input, name: "replay")
        guard let data = FileManager.default.contents(atPath: input) else {
            throw ValidationError("--input: cannot read \(input)")
        }
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
        let report = ReplayReport.make(ruleSet: runtime.ruleSet, incidents: incidents, since: sinceDate) { rule in
            runtime.destinations(notify: rule.notify, severity: rule.severity)
        }
        print(report.render())
        if !runtime.ruleSet.aggregates.isEmpty {
            let episodes = ReplayReport.episodes(ruleSet: runtime.ruleSet, incidents: parsed.incidents, since: sinceDate)
            print(ReplayReport.renderEpisodes(episodes, aggregates: runtime.ruleSet.aggregates))
        }
    }
}
