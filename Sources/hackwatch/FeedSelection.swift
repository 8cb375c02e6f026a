import ArgumentParser
import Foundation
import HackWatchConfiguration
import HackWatchModel

/// How `test` and `replay` read a saved feed body: as a configured feed (`--config --feed`), a
/// preset (`--preset`) or a bare format (`--format`, with `--mapping` for json) — so mapping,
/// transforms and all apply as the daemon would apply them.
struct FeedSelection {
    var config: HackWatchConfig?
    var feed: String?
    var preset: String?
    var format: String?
    var mapping: String?
    var itemsPointer: String?

    /// The feed to parse `input` with, named `name` unless it comes from the config.
    func resolve(input: String, name: String) throws -> FeedConfig {
        let url = URL(fileURLWithPath: input).absoluteString
        var given = [feed != nil, preset != nil, format != nil].filter { $0 }.count
        if mapping != nil, feed == nil, preset == nil { given = max(given, 1) }
        guard given == 1 else { throw ValidationError("give exactly one of --feed (with --config), --preset or --format") }
        if let feed {
            guard let config else { throw ValidationError("--feed needs --config") }
            guard var found = config.feeds.first(where: { $0.name == feed }) else {
                let names = config.feeds.map(\.name)
                let hint = Suggest.nearest(feed, in: names, within: 2).map { "; did you mean '\($0)'?" } ?? ""
                throw ValidationError("no feed '\(feed)' in \(config.path)\(hint) (feeds: \(names.joined(separator: ", ")))")
            }
            found.url = url
            return found
        }
        var entry: [String: JSONValue] = ["name": .string(name), "url": .string(url)]
        if let preset { entry["preset"] = .string(preset) }
        if let format { entry["format"] = .string(format) }
        if let mapping {
            guard let object = try? JSONValue.parse(mapping), object.objectValue != nil else {
                throw ValidationError("--mapping: expected a JSON object of field → JSON Pointer, e.g. '{\"name\": \"/project\"}'")
            }
            entry["mapping"] = object
            if format == nil, preset == nil { entry["format"] = .string("json") }
        }
        if let itemsPointer { entry["items_pointer"] = .string(itemsPointer) }
        if format == "json", mapping == nil {
            throw ValidationError("--format json needs --mapping '{\"name\": \"/project\", ...}' (JSON Pointers per field), or use --config FILE --feed NAME / --preset P")
        }
        do {
            var feed = try FeedConfig.decode(.object(entry), label: preset.map { "preset \($0)" } ?? "--format")
            feed.url = url  // a preset's own URL is not fetched here
            return feed
        } catch {
            throw ValidationError(error.problems.map { "\($0.path == "$" ? "" : "\($0.path.dropFirst(2)): ")\($0.message)" }.joined(separator: "\n"))
        }
    }
}
