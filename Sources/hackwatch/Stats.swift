import ArgumentParser
import Foundation
import HackWatchConfiguration
import HackWatchDaemon
import HackWatchFeeds
import HackWatchModel
import HackWatchRules
import HackWatchStats
import HackWatchStore

/// `hackwatch stats`: counts, losses, breakdowns and year-over-year change over the stored
/// history (each hack once, however many feeds reported it) or over a saved feed file.
struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Summarise incidents and losses over a period (stored history or a feed file).",
        discussion: """
            Without --input, reads the state database of --config (each hack once: reports a feed \
            correlated into another's are not counted twice). With --input, reads a saved feed body \
            as 'test' does (--format, --preset or --config --feed). Days are UTC and inclusive. \
            Without --since/--until/--window: all dated incidents up to --now. Sums are over \
            incidents with a known loss; 'known loss' says how many that is.
            """
    )

    @Option(name: [.customShort("c"), .long], help: ConfigFile.help) var config: String?
    @Option(help: "A saved feed body to read instead of the state database.") var input: String?
    @Option(help: "With --input: defillama, rss, atom, json, html, xml or auto.") var format: String?
    @Option(help: "With --input: read it as this configured feed (needs --config).") var feed: String?
    @Option(help: "With --input: read it as this preset (see 'hackwatch presets').") var preset: String?
    @Option(help: "With --input --format json: the mapping, a JSON object of field → JSON Pointer.") var mapping: String?
    @Option(name: .customLong("items-pointer"), help: "With --format json: JSON Pointer to the items array.") var itemsPointer: String?
    @Option(help: "First day counted (YYYY-MM-DD, UTC).") var since: String?
    @Option(help: "Last day counted, included (YYYY-MM-DD, UTC; default: --now's day).") var until: String?
    @Option(help: "ytd, qtd, mtd (calendar, UTC) or Nd, Nw, Nm, Ny ending today (instead of --since/--until).") var window: String?
    @Option(name: .customLong("where"), help: "Only incidents matching this rule-language condition.") var condition: String?
    @Option(help: "Break down by \(StatsGrouping.allCases.map(\.rawValue).joined(separator: ", ")).") var by: String?
    @Option(help: "Compare with the same days shifted back, e.g. 1y.") var compare: String?
    @Option(help: "How many incidents to list by loss.") var top = 5
    @Flag(help: "Print one JSON object.") var json = false
    @Flag(help: "Print the breakdown as CSV.") var csv = false
    @Option(help: "The current time, for --window and the default --until (ISO 8601).") var now: String?

    func validate() throws {
        if json && csv { throw ValidationError("give at most one of --json and --csv") }
        if window != nil && (since != nil || until != nil) { throw ValidationError("give --window or --since/--until, not both") }
        if let by, StatsGrouping(rawValue: by) == nil {
            throw ValidationError("--by: expected one of \(StatsGrouping.allCases.map(\.rawValue).joined(separator: ", ")), got '\(by)'")
        }
        if let compare, StatsShift(compare) == nil { throw ValidationError("--compare: expected a shift like 1y, 3m, 2w or 30d, got '\(compare)'") }
        if let window, StatsPeriod.window(window, now: Date()) == nil {
            throw ValidationError("--window: expected ytd, qtd, mtd or a length like 30d, 2w, 3m, 1y, got '\(window)'")
        }
        for (name, value) in [("--since", since), ("--until", until), ("--now", now)] {
            if let value, Incident.parseDate(value) == nil { throw ValidationError("\(name): expected a date like 2022-01-31, got '\(value)'") }
        }
        if top < 0 { throw ValidationError("--top: expected 0 or more, got \(top)") }
        if input == nil, format != nil || feed != nil || preset != nil || mapping != nil {
            throw ValidationError("--format, --feed, --preset and --mapping read a file: give --input FILE")
        }
        if let format, FeedFormat(rawValue: format) == nil {
            throw ValidationError("--format: expected one of \(FeedFormat.allCases.map(\.rawValue).joined(separator: ", ")), got '\(format)'")
        }
        if input == nil { try ConfigFile.validate(config ?? ConfigFile.defaultPath) }
    }

    func run() throws {
        let clock = now.flatMap(Incident.parseDate) ?? Date()
        var filter: (@Sendable (Incident) -> Bool)?
        if let condition {
            let compiled = RuleCondition.compile(condition, label: "--where")
            if !compiled.diagnostics.isEmpty { printError(compiled.diagnostics.map(\.rendered).joined(separator: "\n")) }
            guard let predicate = compiled.condition else { throw ExitCode(1) }
            filter = { predicate.matches($0, now: clock) }
        }
        let incidents = try loadIncidents()
        let period: StatsPeriod
        if let window {
            period = StatsPeriod.window(window, now: clock)!  // validated
        } else {
            let first = since.flatMap(Incident.parseDate) ?? incidents.compactMap(\.date).min() ?? clock
            period = StatsPeriod(since: first, until: until.flatMap(Incident.parseDate) ?? clock)
        }
        let query = StatsQuery(period: period, filter: filter, grouping: by.flatMap(StatsGrouping.init(rawValue:)),
                               compare: compare.flatMap(StatsShift.init), top: top)
        let report = StatsReport.make(query, incidents: incidents)
        if json { print(report.jsonValue.serialized()) } else if csv { print(report.csv) } else { print(report.text) }
    }

    /// The canonical stored incidents, or the file's.
    func loadIncidents() throws -> [Incident] {
        let loadedConfig = try config.map(loadConfigOrExit)
        if let input {
            let selection = FeedSelection(config: loadedConfig, feed: feed, preset: preset,
                                          format: feed == nil && preset == nil ? format ?? (mapping == nil ? "auto" : nil) : format,
                                          mapping: mapping, itemsPointer: itemsPointer)
            let feedConfig = try selection.resolve(input: input, name: preset ?? format ?? "input")
            return try FeedFile.incidents(input: input, feed: feedConfig).map { incident in
                var named = incident
                named.source = feedConfig.name
                if !named.sources.contains(feedConfig.name) { named.sources.insert(feedConfig.name, at: 0) }
                return named
            }
        }
        let decoded = try loadedConfig ?? loadConfigOrExit(ConfigFile.defaultPath)
        return try readStoredState(decoded) { store in
            CanonicalIncidents.canonical(try store.incidents(since: .distantPast), correlator: Correlator(window: decoded.correlationWindow))
        }
    }
}
