import ArgumentParser
import Foundation
import HackWatch

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show feed and delivery state from the state database.")

    @Option(help: "The config file.") var config: String

    func run() throws {
        let decoded = try loadConfigOrExit(config)
        let path = StateStore.path(stateDir: decoded.stateDir)
        guard FileManager.default.fileExists(atPath: path) else {
            print("no state yet (\(path) does not exist): the daemon has not run")
            return
        }
        do {
            let store = try StateStore(path: path)
            defer { store.close() }
            print(try StatusReport.render(config: decoded, store: store))
        } catch {
            printError("\(error)")
            throw ExitCode.failure
        }
    }
}
