import Foundation
import Testing
import HackWatchFixtures
@testable import HackWatchModel
@testable import HackWatchTemplates

/// The exposure variables, through the shipped `we_are_exposed` message (README "Exposure").
@Suite struct ExposureTemplateTests {
    /// The `message` of `we_are_exposed` in rules/default.rules, so the test follows the file.
    static func shippedMessage() throws -> String {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("rules/default.rules").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let rule = try #require(text.range(of: "rule we_are_exposed {").map { text[$0.upperBound...] })
        let line = try #require(rule.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("message") })
        let open = try #require(line.firstIndex(of: "\"")), close = try #require(line.lastIndex(of: "\""))
        return String(line[line.index(after: open)..<close])
    }

    @Test func theShippedMessageShowsWhatWeHoldAndWhoOwnsIt() throws {
        var alert = NotifyFixtures.alert(rule: "we_are_exposed", name: "Portal", url: nil)
        alert.incident.exposure = ["Wormhole", "Solana"]
        alert.incident.exposureUSD = Money(usd: 2.5e6)
        alert.incident.exposureOwner = "treasury"
        alert.incident.chains = ["Solana"]
        alert.incident.loss = Money(usd: 326e6)
        let message = try Self.shippedMessage()
        #expect(MessageTemplate.validate(message) == nil)
        #expect(MessageTemplate.render(message, alert: alert)
            == "WE ARE EXPOSED: Portal (Wormhole, Solana, $2.5M held, owner treasury): $326M stolen on Solana.")
        alert.incident.exposureUSD = nil
        alert.incident.exposureOwner = nil
        alert.incident.loss = nil
        #expect(MessageTemplate.render(message, alert: alert) == "WE ARE EXPOSED: Portal (Wormhole, Solana) on Solana.")
    }

    @Test func variablesAreAbsentWhenNothingMatched() {
        let variables = MessageTemplate.variables(for: NotifyFixtures.alert())
        #expect(variables["exposed"] == nil && variables["exposure"] == nil && variables["exposure_owner"] == nil)
        #expect(MessageTemplate.render("{{^exposed}}not exposed{{/exposed}}", alert: NotifyFixtures.alert()) == "not exposed")
    }
}
