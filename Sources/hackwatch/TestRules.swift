import ArgumentParser
import HackWatch

struct TestRules: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "test", abstract: "Evaluate rules against a feed file offline.")

    func run() throws {
        throw ValidationError("'test' is not implemented yet")
    }
}
