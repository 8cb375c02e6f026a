import ArgumentParser
import Foundation
import Logging
import HackWatchDaemon

struct Once: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "once", abstract: "Poll every feed once, evaluate, deliver, exit.")

    @Option(help: "The config file.") var config: String
    @Flag(help: "Print the alerts that would fire; write and send nothing.") var dryRun = false

    func run() throws {
        DaemonLogging.bootstrap()
        let logger = Logger(label: "hackwatch")
        if let problem = DaemonLogging.environmentProblem() { logger.warning("\(problem)") }
        let outcome: OncePoll.Outcome
        do {
            outcome = try OncePoll.run(configPath: config, dryRun: dryRun, logger: logger)
        } catch {
            logger.critical("cannot poll:\n\(error)")
            throw ExitCode.failure
        }
        if dryRun {
            for alert in outcome.alerts {
                let loss = alert.incident.loss.map { "\($0)" } ?? "loss unknown"
                let changes = alert.changes.map(\.summary).joined(separator: "; ")
                print("would \(alert.isUpdate ? "update" : "alert"): [\(alert.severity.rawValue)] \(alert.rules.joined(separator: ", ")): "
                      + "\(alert.incident.name) (\(loss), \(alert.incident.source))" + (changes.isEmpty ? "" : " — \(changes)"))
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
        if !outcome.failures.isEmpty { throw ExitCode.failure }
    }
}
