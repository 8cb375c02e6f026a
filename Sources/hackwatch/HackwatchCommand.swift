import ArgumentParser
import HackWatchHTTP

@main
struct HackwatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hackwatch",
        abstract: "Watch crypto/DeFi hack feeds and alert when an incident matches your rules.",
        version: HTTPClient.version,
        subcommands: [Run.self, Once.self, Check.self, TestRules.self, Replay.self, Status.self, Exposure.self]
    )
}
