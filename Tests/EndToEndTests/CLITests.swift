import Foundation
import Testing

@Suite struct CLITests {
    @Test func printsVersion() throws {
        let result = try Binary.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
    }

    @Test func listsEveryCommandInHelp() throws {
        let result = try Binary.run(["--help"])
        for command in ["run", "once", "check", "test", "replay", "status"] {
            #expect(result.stdout.contains("  \(command) "), "help lacks \(command)")
        }
    }
}
