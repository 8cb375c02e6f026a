import ArgumentParser
import HackWatch

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Validate the config and every rules file.")

    func run() throws {
        throw ValidationError("'check' is not implemented yet")
    }
}
