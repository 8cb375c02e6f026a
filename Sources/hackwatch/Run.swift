import ArgumentParser
import HackWatch

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the daemon: poll, evaluate, deliver until SIGTERM.")

    func run() throws {
        throw ValidationError("'run' is not implemented yet")
    }
}
