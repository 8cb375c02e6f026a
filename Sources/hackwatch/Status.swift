import ArgumentParser
import Foundation
import HackWatchConfiguration
import HackWatchDaemon
import HackWatchModel
import HackWatchStore

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show feed and delivery state from the state database.")

    @Option(name: [.customShort("c"), .long], help: ConfigFile.help) var config = ConfigFile.defaultPath
    @Flag(name: .long, help: "One JSON object (feeds, deliveries, per-sink counts, silences) for scripts.") var json = false

    func validate() throws { try ConfigFile.validate(config) }

    func run() throws {
        let decoded = try loadConfigOrExit(config)
        let path = StateStore.path(stateDir: decoded.stateDir)
        guard FileManager.default.fileExists(atPath: path) else {
            if json {
                // Same shape as with state, so a script need not special-case a first install.
                print(JSONValue.object(["state": .string(path), "exists": .bool(false), "feeds": .array([]), "sinks": .array([]),
                                        "silences": .array([])]).serialized())
                return
            }
            print("no state yet (\(path) does not exist): the daemon has not run")
            if let hint = Self.stateDirectoryHint(decoded) { print(hint) }
            return
        }
        do {
            // Read-only: status needs no write access (it may run as another user than the daemon).
            let store = try StateDirectory.openStore(path: path, readOnly: true)
            defer { store.close() }
            print(json ? try StatusReport.json(config: decoded, store: store).serialized() : try StatusReport.render(config: decoded, store: store))
        } catch {
            printError("\(error)")
            throw ExitCode.failure
        }
    }

    /// The config names no `state_dir` and `STATE_DIRECTORY` is unset here, so the state folder
    /// defaulted to `state` beside the config — but a service run under systemd keeps its state in
    /// its `StateDirectory=`. Say so, or `status` from a shell looks at the wrong database.
    static func stateDirectoryHint(_ config: HackWatchConfig,
                                   environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        let besideConfig = URL(fileURLWithPath: config.path).deletingLastPathComponent()
            .appendingPathComponent("state").standardizedFileURL.path
        guard environment["STATE_DIRECTORY"] == nil, config.stateDir == besideConfig else { return nil }
        return "(state_dir is the default 'state' beside the config; a daemon run by systemd keeps its state in "
            + "its StateDirectory: sudo STATE_DIRECTORY=/var/lib/hackwatch hackwatch status --config \(config.path))"
    }
}
