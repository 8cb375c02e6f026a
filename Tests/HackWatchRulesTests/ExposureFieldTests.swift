import Foundation
import Testing
@testable import HackWatchModel
@testable import HackWatchRules

/// The exposure and attribution-overlay fields rules read (README "Exposure").
@Suite struct ExposureFieldTests {
    static let exposed: Incident = {
        var incident = Incident(id: "p", source: "llama", name: "Portal")
        incident.exposure = ["Wormhole", "Solana"]
        incident.exposureUSD = Money(usd: 2.5e6)
        incident.exposureOwner = "treasury"
        incident.attribution = "Lazarus Group"
        incident.attributionSource = "sanctions"
        return incident
    }()

    @Test(arguments: [
        ("exposed", true, false),
        ("not exposed", false, true),
        ("exposed exists", true, true),
        ("exposure contains \"wormhole\"", true, false),
        ("\"Solana\" in exposure", true, false),
        ("exposure exists", true, false),
        ("exposure_usd >= $1M", true, false),
        ("exposure_usd exists", true, false),
        ("exposure_owner == \"Treasury\"", true, false),
        ("attribution_source == \"sanctions\"", true, false),
        ("attribution_source exists", true, false),
    ])
    func fieldsEvaluate(condition: String, onExposed: Bool, onBare: Bool) throws {
        #expect(try RuleFixtures.evaluate(condition, Self.exposed) == onExposed)
        #expect(try RuleFixtures.evaluate(condition, RuleFixtures.bare) == onBare)
    }

    @Test func typeErrorsNameTheFieldTypes() {
        #expect(RuleFixtures.problems("rule r { when exposure_usd matches /x/ }").count == 1)
        #expect(RuleFixtures.problems("rule r { when exposed == \"yes\" }").count == 1)
    }
}
