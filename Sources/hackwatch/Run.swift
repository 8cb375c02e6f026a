import ArgumentParser
import Foundation
import Logging
import HackWatchDaemon

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the daemon: poll, evaluate, deliver until SIGTERM.")

    @Option(name: [.customShort("c"), .long], help: ConfigFile.help) var config = ConfigFile.defaultPath

    func validate() throws { try ConfigFile.validate(config) }

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
            for line in error.lines { logger.critical("cannot start: \(line)") }
            throw ExitCode(Self.configErrorExitCode)
        } catch {
            logger.critical("cannot start: \(error)")
            throw ExitCode.failure
        }
        daemon.run()
    }
}
