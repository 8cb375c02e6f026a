import ArgumentParser
import Foundation
import HackWatch
import Logging

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the daemon: poll, evaluate, deliver until SIGTERM.")

    @Option(help: "The config file.") var config: String

    func run() throws {
        SignalWatcher.blockInCurrentThread()
        DaemonLogging.bootstrap()
        let logger = Logger(label: "hackwatch")
        let daemon: Daemon
        do {
            daemon = try Daemon(configPath: config, logger: logger)
        } catch {
            logger.critical("cannot start:\n\(error)")
            throw ExitCode.failure
        }
        daemon.run()
    }
}
