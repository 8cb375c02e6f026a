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
        // Watch signals before the load: systemd may send SIGTERM while config, rules and the
        // database are still loading, and a signal caught now is acted on once the daemon runs.
        let relay = SignalRelay()
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
        } catch let error as StateDirectoryError {
            // An unusable state_dir or database (missing permission, corrupt, not writable, empty
            // where state existed) does not fix itself on a restart: EX_CONFIG too. Another live
            // hackwatch holding the folder may go away: plain failure.
            logger.critical("cannot start:\n\(error)")
            if case .inUse = error { throw ExitCode.failure }
            throw ExitCode(Self.configErrorExitCode)
        } catch let error as SharedStoreError {
            // An unreadable conninfo is a config problem; an unreachable database may come back.
            logger.critical("cannot start: \(error)")
            if case .conninfo = error { throw ExitCode(Self.configErrorExitCode) }
            throw ExitCode.failure
        } catch {
            logger.critical("cannot start: \(error)")
            throw ExitCode.failure
        }
        if relay.hasPending { logger.notice("signal received while starting; stopping") }
        daemon.run(relay: relay)
    }
}
