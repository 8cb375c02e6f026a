import ArgumentParser
import Foundation
import HackWatchDaemon
import HackWatchModel
import HackWatchRules
import HackWatchStore

/// `hackwatch silence add|list|expire`: silences in the state database (README "Silences and
/// mute windows"). A running daemon reads them at every outbox drain: no reload needed.
struct Silence: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "silence", abstract: "Add, list and expire silences (alerts recorded, not delivered).",
        subcommands: [Add.self, List.self, Expire.self], defaultSubcommand: List.self)

    /// The state database of `config`, opened for writing (created when the daemon never ran).
    static func openStore(_ config: String) throws -> StateStore {
        let decoded = try loadConfigOrExit(config)
        do {
            return try StateDirectory.openStore(path: StateStore.path(stateDir: decoded.stateDir))
        } catch {
            printError("\(error)")
            throw ExitCode.failure
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Silence alerts whose incident matches a rule-language condition; prints the new silence's id.")

        @Option(name: [.customShort("c"), .long], help: ConfigFile.help) var config = ConfigFile.defaultPath
        @Option(name: .long, help: ArgumentHelp("A rule-language condition over incident fields, as a rule's 'when'.", valueName: "expr"))
        var match: String
        @Option(name: .customLong("for"), help: ArgumentHelp("How long: 2h, 1d, 1w.", valueName: "duration")) var duration: String?
        @Option(name: .long, help: ArgumentHelp("Until this ISO 8601 date (2026-12-24T08:00:00Z).", valueName: "date")) var until: String?
        @Option(name: .long, help: "Why (shown by silence list and status).") var comment: String
        @Option(name: .long, help: "Only deliveries to this sink (default: every sink).") var sink: String?
        @Option(name: .long, help: "Who adds it (default: $USER).") var author: String?

        func validate() throws {
            try ConfigFile.validate(config)
            guard (duration == nil) != (until == nil) else { throw ValidationError("give exactly one of --for DURATION or --until DATE") }
            if let duration {
                guard let span = TimeSpan(parsing: duration), span.seconds > 0 else {
                    throw ValidationError("--for: expected a duration such as 2h, 1d or 1w, got '\(duration)'")
                }
            }
            if let until, Incident.parseDate(until) == nil {
                throw ValidationError("--until: expected an ISO 8601 date such as 2026-12-24T08:00:00Z, got '\(until)'")
            }
            guard !comment.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw ValidationError("--comment must say why (it is shown beside the silence)")
            }
        }

        func run() throws {
            let now = Date()
            let ends = duration.flatMap(TimeSpan.init(parsing:)).map { now.addingTimeInterval($0.seconds) }
                ?? until.flatMap(Incident.parseDate) ?? now
            guard ends > now else {
                printError("--until: \(until ?? "") is in the past")
                throw ExitCode(64)
            }
            let compiled = RuleCondition.compile(match, label: "--match")
            if !compiled.diagnostics.isEmpty { printError(compiled.diagnostics.map(\.rendered).joined(separator: "\n")) }
            guard compiled.condition != nil else { throw ExitCode.failure }
            let decoded = try loadConfigOrExit(config)
            if let sink, !decoded.sinks.contains(where: { $0.name == sink }) {
                let names = decoded.sinks.map(\.name)
                printError("--sink: no sink named '\(sink)' in \(config) (sinks: \(names.isEmpty ? "none" : names.joined(separator: ", ")))")
                throw ExitCode(64)
            }
            let store = try Silence.openStore(config)
            defer { store.close() }
            let user = author ?? ProcessInfo.processInfo.environment["USER"] ?? "unknown"
            let silence = StoredSilence(id: UUID().uuidString.lowercased(), match: match, sink: sink, comment: comment,
                                        createdBy: user, createdAt: now, startsAt: now, endsAt: ends)
            do { try store.addSilence(silence) } catch {
                printError("\(error)")
                throw ExitCode.failure
            }
            print(silence.id)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List active silences (--all: expired ones too).")

        @Option(name: [.customShort("c"), .long], help: ConfigFile.help) var config = ConfigFile.defaultPath
        @Flag(name: .long, help: "Expired silences too.") var all = false
        @Flag(name: .long, help: "A JSON array of silences.") var json = false
        @Flag(name: [.customShort("q"), .long], help: "Only the ids, one a line.") var quiet = false

        func validate() throws { try ConfigFile.validate(config) }

        func run() throws {
            let decoded = try loadConfigOrExit(config)
            let path = StateStore.path(stateDir: decoded.stateDir)
            let now = Date()
            var silences: [StoredSilence] = []
            if FileManager.default.fileExists(atPath: path) {
                do {
                    let store = try StateDirectory.openStore(path: path, readOnly: true)
                    defer { store.close() }
                    silences = try store.silences(activeAt: now, includeExpired: all)
                } catch {
                    printError("\(error)")
                    throw ExitCode.failure
                }
            }
            if json { print(JSONValue.array(silences.map { SilenceReport.json($0, now: now) }).serialized()) }
            else if quiet { silences.forEach { print($0.id) } }
            else { print(SilenceReport.table(silences, now: now, all: all)) }
        }
    }

    struct Expire: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End silences now (an id or a unique prefix of one); --release sends what they silenced.")

        @Option(name: [.customShort("c"), .long], help: ConfigFile.help) var config = ConfigFile.defaultPath
        @Flag(name: .long, help: "Deliver the alerts these silences kept back (they are not sent otherwise).") var release = false
        @Argument(help: ArgumentHelp("Silence ids (or unique prefixes).", valueName: "id")) var ids: [String]

        func validate() throws {
            try ConfigFile.validate(config)
            guard !ids.isEmpty else { throw ValidationError("name the silences to expire (silence list shows their ids)") }
        }

        func run() throws {
            let store = try Silence.openStore(config)
            defer { store.close() }
            let now = Date()
            do {
                let known = try store.silences(activeAt: now, includeExpired: true)
                var failed = false
                for id in ids {
                    let matches = known.filter { $0.id == id.lowercased() || $0.id.hasPrefix(id.lowercased()) }
                    guard matches.count == 1, let silence = matches.first else {
                        printError(matches.isEmpty ? "no silence '\(id)'" : "'\(id)' names \(matches.count) silences; give more of the id")
                        failed = true
                        continue
                    }
                    let released = try store.expireSilence(silence.id, at: now, release: release)
                    let state = silence.isActive(at: now) ? "expired" : "already expired"
                    print("\(silence.id): \(state)" + (release ? "; \(released) silenced deliveries released" : ""))
                }
                if failed { throw ExitCode.failure }
            } catch let error as StoreError {
                printError("\(error)")
                throw ExitCode.failure
            }
        }
    }
}
