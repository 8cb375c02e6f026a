import ArgumentParser
import Foundation
import HackWatchConfiguration
import HackWatchDaemon
import HackWatchFeeds
import HackWatchModel
import HackWatchStore

/// `hackwatch exposure …`: the exposure watchlist (README "Exposure").
struct Exposure: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exposure", abstract: "Work with the exposure watchlist.", subcommands: [ExposureCheck.self]
    )
}

/// `hackwatch exposure check`: which past incidents each watchlist entry would have matched.
struct ExposureCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "List the past incidents each exposure entry matches (a backtest of the watchlist).",
        discussion: """
            Reads the incidents from --input (a feed file; --feed borrows a configured feed's json \
            mapping), else from the state database (every incident the daemon has recorded). Exits 1 \
            when the config, the overlay files or the input cannot be read.
            """
    )

    @Option(help: "The config file.") var config: String
    @Option(help: "A feed file to backtest against (default: the state database).") var input: String?
    @Option(help: "Feed format of --input: defillama, rss, atom, json or auto.") var format = "auto"
    @Option(help: "A feed in the config whose settings (json mapping, items_pointer) read --input.") var feed: String?

    func validate() throws {
        guard FeedFormat(rawValue: format) != nil else {
            throw ValidationError("unknown format '\(format)'; use \(FeedFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() throws {
        let decoded = try loadConfigOrExit(config)
        let overlays: ExposureOverlays
        do {
            overlays = try ExposureOverlays.load(exposure: decoded.exposure, attribution: decoded.attribution, sanctions: decoded.sanctions)
        } catch {
            printError("\(error)")
            throw ExitCode.failure
        }
        if overlays.entries.isEmpty { printError("warning: \(config) names no exposure entries (\"exposure\": [\"exposure.json\"])") }
        print(overlays.backtest(try incidents(decoded).map(overlays.apply)))
    }

    private func incidents(_ decoded: HackWatchConfig) throws -> [Incident] {
        guard let input else {
            let path = StateStore.path(stateDir: decoded.stateDir)
            guard FileManager.default.fileExists(atPath: path) else {
                printError("no state yet (\(path) does not exist): pass --input FILE --format F")
                throw ExitCode.failure
            }
            do {
                let store = try StateDirectory.openStore(path: path)
                defer { store.close() }
                return try store.incidents(since: .distantPast)
            } catch {
                printError("\(error)")
                throw ExitCode.failure
            }
        }
        var feedConfig = FeedConfig(name: "input", url: URL(fileURLWithPath: input).absoluteString, format: FeedFormat(rawValue: format)!)
        if let feed {
            guard var named = decoded.feeds.first(where: { $0.name == feed }) else {
                printError("no feed '\(feed)' in \(config)")
                throw ExitCode.failure
            }
            named.format = feedConfig.format == .auto ? named.format : feedConfig.format
            feedConfig = named
        }
        guard let data = FileManager.default.contents(atPath: input) else {
            printError("hackwatch: cannot read \(input)")
            throw ExitCode.failure
        }
        do {
            let parsed = try FeedParser.parse([UInt8](data), config: feedConfig)
            for warning in parsed.warnings { printError("hackwatch: warning: \(warning)") }
            return parsed.incidents
        } catch {
            printError("hackwatch: \(input): \(error)")
            throw ExitCode.failure
        }
    }
}
