import ArgumentParser
import Foundation
import Logging
import HackWatchDaemon

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the daemon: poll, evaluate, deliver until SIGTERM.")

    @Option(help: "The config file.") var config: String

    /// Exit status for an unusable config, rules file or sink (sysexits.h EX_CONFIG).
    static let configErrorExitCode: Int32 = 78

    func run() throws {
        SignalWatcher.blockInCurrentThread()
        DaemonLogging.bootstrap()
        let logger = Logger(label: "hackwatch")
        if let problem = DaemonLogging.environmentProblem() { logger.warning("\(problem)") }
        let daemon: Daemon
        do {
            daemon = try Daemon(configPath: config, logger: logger)
        } catch let error as RuntimeError {
            // EX_CONFIG: the unit's RestartPreventExitStatus stops systemd retrying a bad config
            // every RestartSec forever; the journal shows why.
            logger.critical("cannot start:\n\(error)")
            throw ExitCode(Self.configErrorExitCode)
        } catch {
            logger.critical("cannot start:\n\(error)")
            throw ExitCode.failure
        }
        daemon.run()
    }
}
