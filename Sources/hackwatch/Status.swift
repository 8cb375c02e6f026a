import ArgumentParser
import HackWatch

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show feed and delivery state from the state database.")

    func run() throws {
        throw ValidationError("'status' is not implemented yet")
    }
}
