import ArgumentParser
import HackWatch

struct Once: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "once", abstract: "Poll every feed once, evaluate, deliver, exit.")

    func run() throws {
        throw ValidationError("'once' is not implemented yet")
    }
}
