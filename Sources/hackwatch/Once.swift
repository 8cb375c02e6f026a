import ArgumentParser
import Foundation
import Logging
import HackWatchDaemon

struct Once: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "once",
        abstract: "Poll every feed once, evaluate, deliver, exit.",
        discussion: """
            Exit status, for cron and monitoring (bits add up): 0 every feed polled and every delivery \
            acknowledged; 1 a feed failed; 2 deliveries still pending after one attempt each (the next \
            once or run retries them); 4 a delivery went dead in this run (see status); 78 the config, \
            rules or a sink secret is unusable. --dry-run exits 0 or 1.
            """
    )

    @Option(name: [.customShort("c"), .long], help: ConfigFile.help) var config = ConfigFile.defaultPath

    @Flag(help: "Print the alerts that would fire; write and send nothing.") var dryRun = false

    @Flag(help: "With --dry-run: also print, per sink, the message it would be sent (as 'hackwatch preview').") var show = false

    func validate() throws {
        try ConfigFile.validate(config)
        if show, !dryRun { throw ValidationError("--show needs --dry-run") }
    }

    func run() throws {
        DaemonLogging.bootstrap()
        let logger = Logger(label: "hackwatch")
        if let problem = DaemonLogging.environmentProblem() { logger.warning("\(problem)") }
        let outcome: OncePoll.Outcome
        do {
            outcome = try OncePoll.run(configPath: config, dryRun: dryRun, logger: logger)
        } catch let error as RuntimeError {
            // As `run`: EX_CONFIG, one log line per problem.
            for line in error.lines { logger.critical("cannot poll: \(line)") }
            throw ExitCode(Run.configErrorExitCode)
        } catch {
            logger.critical("cannot poll: \(error)")
            throw ExitCode.failure
        }
        if dryRun {
            for alert in outcome.alerts {
                let loss = alert.incident.loss.map { "\($0)" } ?? "loss unknown"
                let changes = alert.changes.map(\.summary).joined(separator: "; ")
                print("would \(alert.isUpdate ? "update" : "alert"): [\(alert.severity.rawValue)] \(alert.rules.joined(separator: ", ")): "
                      + "\(alert.incident.name) (\(loss), \(alert.incident.source))" + (changes.isEmpty ? "" : " — \(changes)"))
            }
            if show, let runtime = outcome.runtime {
                for (alert, sinks) in MessagePreview.routed(outcome.alerts, runtime: runtime) {
                    print("\n" + MessagePreview.render(alert, sinks: sinks), terminator: "")
                }
            }
            print("\(outcome.alerts.count) alerts would fire")
        }
        for (feed, error) in outcome.failures.sorted(by: { $0.key < $1.key }) {
            logger.error("feed failed", metadata: ["feed": "\(feed)", "error": "\(error)"])
        }
        if outcome.pending > 0 {
            // The drain made one attempt each; "will retry" above means a later `once` or `run`.
            logger.warning("deliveries still pending; the next once or run retries them", metadata: ["pending": "\(outcome.pending)"])
        }
        if outcome.dead > 0 {
            logger.error("deliveries dead; hackwatch status shows why", metadata: ["dead": "\(outcome.dead)"])
        }
        if outcome.exitStatus != 0 { throw ExitCode(outcome.exitStatus) }
    }
}
