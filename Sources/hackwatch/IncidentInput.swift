import ArgumentParser
import Foundation
import HackWatchConfiguration
import HackWatchFeeds
import HackWatchHTTP
import HackWatchModel

/// Where `preview` and `notify-test` take incidents from: `--incident FILE` (an incident, or a
/// list of them, in the JSON form the webhook and `test --json` print), `--input FILE` read
/// as a feed (`--format F`, `--preset P` or `--feed NAME`), or `--feed NAME` alone, fetched
/// now from the configured feed (nothing recorded).
struct IncidentInput: ParsableArguments {
    @Option(help: ArgumentHelp("An incident in hackwatch's JSON form (an object, or an array of them).", valueName: "file"))
    var incident: String?

    @Option(help: ArgumentHelp("A saved feed body, read with --format, --preset or --feed.", valueName: "file"))
    var input: String?

    @Option(help: "With --input: defillama, rss, atom, json, html, xml or auto.")
    var format: String?

    @Option(help: "With --input: read it as this preset (see 'hackwatch presets').")
    var preset: String?

    @Option(help: ArgumentHelp("A configured feed: with --input, read the file as it; alone, fetch it now.", valueName: "name"))
    var feed: String?

    /// Whether any source was given (`notify-test` falls back to its sample incident).
    var isGiven: Bool { incident != nil || input != nil || feed != nil }

    func validate() throws {
        let sources = [incident != nil, input != nil || format != nil || preset != nil || feed != nil].filter { $0 }.count
        if sources > 1 { throw ValidationError("give one of --incident FILE, --input FILE (--format F | --preset P | --feed NAME) or --feed NAME") }
        if input == nil, format != nil || preset != nil { throw ValidationError("--format and --preset read a file: give --input FILE") }
        if let format, FeedFormat(rawValue: format) == nil {
            throw ValidationError("unknown format '\(format)'; use \(FeedFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    /// The incidents, newest first (undated last). Problems are printed; exit status 1.
    func incidents(config: HackWatchConfig) throws -> [Incident] {
        let found: [Incident]
        if let incident {
            found = try Self.readIncidents(incident)
        } else if let input {
            let selection = FeedSelection(config: config, feed: feed, preset: preset, format: feed == nil && preset == nil ? format ?? "auto" : format)
            let feedConfig = try selection.resolve(input: input, name: feed ?? "input")
            found = try FeedFile.incidents(input: input, feed: feedConfig).map { Self.sourced($0, feed: feedConfig.name) }
        } else if let feed {
            found = try Self.fetch(feed, config: config)
        } else {
            found = []
        }
        return found.enumerated().sorted { a, b in
            let da = a.element.date ?? .distantPast, db = b.element.date ?? .distantPast
            return da != db ? da > db : a.offset < b.offset
        }.map(\.element)
    }

    /// Incidents from a JSON file: one object or an array of them.
    static func readIncidents(_ path: String) throws -> [Incident] {
        guard let data = FileManager.default.contents(atPath: path) else {
            printError("hackwatch: cannot read \(path)")
            throw ExitCode(1)
        }
        do {
            let json = try JSONValue.parse([UInt8](data))
            let items = json.arrayValue ?? [json]
            var incidents: [Incident] = []
            for (index, item) in items.enumerated() {
                do { incidents.append(try Incident(json: item)) } catch {
                    printError("hackwatch: \(path)\(json.arrayValue == nil ? "" : " [\(index)]"): \(error)")
                    throw ExitCode(1)
                }
            }
            return incidents
        } catch let exit as ExitCode {
            throw exit
        } catch {
            printError("hackwatch: \(path): \(error)")
            throw ExitCode(1)
        }
    }

    /// One fetch of a configured feed (enabled or not); nothing is recorded.
    static func fetch(_ name: String, config: HackWatchConfig) throws -> [Incident] {
        guard let feed = config.feeds.first(where: { $0.name == name }) else {
            let names = config.feeds.map(\.name)
            let hint = Suggest.nearest(name, in: names, within: 2).map { "; did you mean '\($0)'?" } ?? ""
            throw ValidationError("no feed '\(name)' in \(config.path)\(hint) (feeds: \(names.joined(separator: ", ")))")
        }
        do {
            switch try FeedFetcher(client: HTTPClient(caFile: config.caFile)).fetch(feed, validators: nil) {
            case .notModified: return []
            case .fetched(let parsed, _, _):
                for warning in parsed.warnings { printError("hackwatch: warning: \(name): \(warning)") }
                return parsed.incidents.map { sourced($0, feed: name) }
            }
        } catch {
            printError("hackwatch: feed \(name): \(error)")
            throw ExitCode(1)
        }
    }

    /// As the pipeline does: the feed is the incident's source.
    static func sourced(_ incident: Incident, feed: String) -> Incident {
        var copy = incident
        copy.source = feed
        if !copy.sources.contains(feed) { copy.sources.insert(feed, at: 0) }
        return copy
    }
}
