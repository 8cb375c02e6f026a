import ArgumentParser
import Foundation
import HackWatchConfiguration
import HackWatchFeeds
import HackWatchModel
import HackWatchRules

/// `hackwatch test`: evaluates rules against a feed file offline and prints every match.
struct TestRules: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Evaluate rules against a feed file offline.",
        discussion: """
            Prints one line per (incident, rule) match, sorted by incident date then rule name; with \
            --json, one JSON object per line. Disabled rules are skipped, as in the daemon. Exits 1 \
            when the rules or the feed cannot be loaded (diagnostics on stderr). Read the input with \
            --format F (json: with --mapping), --preset P, or --config FILE --feed NAME (that feed's \
            mapping, transforms and all; rules default to the config's).
            """
    )

    @Option(name: .long, help: "A rules file or a folder of *.rules files (repeatable; default: the --config's rules).")
    var rules: [String] = []

    @Option(name: .long, help: "The feed file to evaluate.")
    var input: String

    @Option(name: .long, help: "Feed format: defillama, rss, atom, json, html, xml or auto.")
    var format: String?

    @Option(name: .long, help: "The config file: its rules, and with --feed that feed's settings.")
    var config: String?

    @Option(name: .long, help: "Read the input as this configured feed (mapping, transforms and all).")
    var feed: String?

    @Option(name: .long, help: "Read the input as this preset (see 'hackwatch presets').")
    var preset: String?

    @Option(name: .long, help: "With --format json: the mapping, a JSON object of field → JSON Pointer.")
    var mapping: String?

    @Option(name: .customLong("items-pointer"), help: "With --format json: JSON Pointer to the items array.")
    var itemsPointer: String?

    @Flag(name: .long, help: "One JSON object per match.")
    var json = false

    @Option(name: .long, help: "Evaluation time for 'age' (ISO 8601, default: the current time).")
    var now: String?

    func validate() throws {
        if let format, FeedFormat(rawValue: format) == nil {
            throw ValidationError("unknown format '\(format)'; use \(FeedFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if rules.isEmpty, config == nil { throw ValidationError("give --rules PATH or --config FILE (for its rules)") }
        if let now, Incident.parseDate(now) == nil {
            throw ValidationError("--now '\(now)' is not an ISO 8601 date (e.g. 2024-01-31T12:00:00Z)")
        }
    }

    func run() throws {
        let loadedConfig = try config.map(loadConfigOrExit)
        let selection = FeedSelection(config: loadedConfig, feed: feed, preset: preset, format: format, mapping: mapping,
                                      itemsPointer: itemsPointer)
        let feedConfig = try selection.resolve(input: input, name: "test")
        let loaded = RuleLoader.load(paths: rules.isEmpty ? loadedConfig?.rules ?? [] : rules, sinkNames: nil)
        if !loaded.diagnostics.isEmpty { FileHandle.standardError.write(Data((loaded.render() + "\n").utf8)) }
        guard let ruleSet = loaded.ruleSet else { throw ExitCode(1) }

        let incidents = try FeedFile.incidents(input: input, feed: feedConfig)

        let when = now.flatMap(Incident.parseDate) ?? Date()
        let output = Self.matchLines(ruleSet: ruleSet, incidents: incidents, now: when, json: json)
        if !output.isEmpty { print(output.joined(separator: "\n")) }
        // The noise a user would see, on stderr so the match lines stay machine-readable.
        let alerted = Set(incidents.filter { !ruleSet.matches($0, now: when).isEmpty }.map(\.id)).count
        FileHandle.standardError.write(Data(
            "hackwatch: \(incidents.count) incidents, \(output.count) rule matches, \(alerted) incidents alerted: \(alerted) messages per sink, 0 updates\n".utf8))
    }

    /// Matches sorted by incident date (undated first), then rule name, then incident id.
    static func matchLines(ruleSet: RuleSet, incidents: [Incident], now: Date, json: Bool) -> [String] {
        var matches: [(incident: Incident, rule: CompiledRule)] = []
        for incident in incidents {
            for rule in ruleSet.matches(incident, now: now) { matches.append((incident, rule)) }
        }
        matches.sort { a, b in
            let da = a.incident.date?.timeIntervalSince1970 ?? -.infinity
            let db = b.incident.date?.timeIntervalSince1970 ?? -.infinity
            if da != db { return da < db }
            if a.rule.name != b.rule.name { return a.rule.name < b.rule.name }
            return a.incident.id < b.incident.id
        }
        return matches.map { match in
            if json {
                let object: JSONValue = .object([
                    "rule": .string(match.rule.name),
                    "severity": .string(match.rule.severity.rawValue),
                    "incident": match.incident.jsonValue,
                ])
                return object.serialized()
            }
            let date = match.incident.date.map(Incident.formatDay) ?? "----------"
            let loss = match.incident.loss?.human ?? "loss unknown"
            return "\(date)  \(match.rule.severity.rawValue)  \(match.rule.name)  \(match.incident.name)  \(loss)"
        }
    }
}
