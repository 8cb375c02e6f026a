import ArgumentParser
import HackWatch

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "replay", abstract: "Backtest rules against a feed file.")

    func run() throws {
        throw ValidationError("'replay' is not implemented yet")
    }
}
