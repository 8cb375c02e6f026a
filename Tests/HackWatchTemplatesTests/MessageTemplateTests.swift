import Foundation
import Testing
import HackWatchFixtures
import HackWatchModel
@testable import HackWatchNotify
@testable import HackWatchTemplates

@Suite struct MessageTemplateTests {
    @Test(arguments: [
        ("{{name}} lost {{loss_human}}", "Ronin lost $624M"),
        ("{{{name}}}: {{loss}} USD on {{chains}}", "Ronin: 624000000 USD on Ethereum, Ronin"),
        ("{{#chain_list}}[{{.}}]{{/chain_list}}", "[Ethereum][Ronin]"),
        ("{{severity_upper}} {{rule}} {{date}} {{technique}}", "CRITICAL mega-loss 2022-03-23 Private Key Compromised"),
        ("{{#bridge}}bridge{{/bridge}}{{^returned_human}} nothing returned{{/returned_human}}", "bridge nothing returned"),
        ("{{name}} <b>&</b>", "Ronin <b>&</b>"),  // plain text: sinks escape, not Mustache
        ("{{nope}}|{{attribution}}", "|Lazarus Group"),
    ])
    func rendering(template: String, expected: String) {
        #expect(MessageTemplate.render(template, alert: NotifyFixtures.alert()) == expected)
    }

    @Test func addressesAndTransactions() {
        var alert = NotifyFixtures.alert()
        #expect(MessageTemplate.render("{{^addresses}}none{{/addresses}}", alert: alert) == "none")
        alert.incident.addresses = ["0xaa", "0xbb"]
        alert.incident.transactions = ["0x01"]
        #expect(MessageTemplate.render("{{addresses}} | {{#address_list}}[{{.}}]{{/address_list}} | {{transactions}} {{#transaction_list}}<{{.}}>{{/transaction_list}}", alert: alert)
            == "0xaa, 0xbb | [0xaa][0xbb] | 0x01 <0x01>")
    }

    @Test func htmlInFeedTextIsNotEscapedByMustache() {
        let alert = NotifyFixtures.alert(name: "A&B <x>")
        #expect(MessageTemplate.render("{{name}}", alert: alert) == "A&B <x>")
    }

    @Test(arguments: [
        ("{{#name}}open", "invalid message template at line 1, column 14: section not closed"),
        ("{{name", "invalid message template at line 1, column 7: unexpected end of template (unclosed tag?)"),
        ("ok\n{{#a}}x{{/b}}", "invalid message template at line 2, column 11: section closed with the wrong name"),
    ])
    func validationErrors(template: String, message: String) {
        #expect(MessageTemplate.validate(template) == message)
    }

    /// A misspelled variable would render as empty text in every alert: it is an error, with a
    /// "did you mean" as for rule fields.
    @Test(arguments: [
        ("{{name}} lost {{los_human}}", "unknown variable 'los_human' at line 1, column 15; did you mean 'loss_human'?"),
        ("{{name}} on {{chain}}", "unknown variable 'chain' at line 1, column 13; did you mean 'chains'?"),
        ("ok\n{{#chain_lst}}{{.}}{{/chain_lst}}", "unknown variable 'chain_lst' at line 2, column 1; did you mean 'chain_list'?"),
        ("{{{nmae}}}", "unknown variable 'nmae' at line 1, column 1; did you mean 'name'?"),
        ("{{^techniqe}}?{{/techniqe}}", "unknown variable 'techniqe' at line 1, column 1; did you mean 'technique'?"),
        ("{{ uppercased(sevrity) }}", "unknown variable 'sevrity' at line 1, column 1; did you mean 'severity'?"),
        ("{{=<% %>=}}<% wallet %>", "unknown variable 'wallet' at line 1, column 12"),
    ])
    func unknownVariablesAreErrors(template: String, message: String) {
        #expect(MessageTemplate.validate(template) == message)
    }

    @Test(arguments: ["{{! a comment with {{name }}", "{{#chain_list}}{{.}}{{/chain_list}}", "{{&url}} {{ rule }}",
                      "{{=<% %>=}}<% name %> {{chian}}", "{{name.length}}"])
    func knownVariablesCommentsAndDelimitersPass(template: String) {
        #expect(MessageTemplate.validate(template) == nil)
    }

    @Test func variableNamesAreExactlyWhatAlertsSet() {
        var alert = NotifyFixtures.alert()
        alert.incident.returned = alert.incident.loss
        alert.incident.bridge = true
        #expect(Set(MessageTemplate.variables(for: alert).keys).isSubset(of: MessageTemplate.variableNames))
        // An update of an incident with every optional field sets every variable: a variable
        // added to `variables(for:)` but not to `variableNames` would be refused by `check`.
        alert.incident.addresses = ["0xabc"]
        alert.incident.transactions = ["0xdef"]
        alert.incident.previousLoss = Money(usd: 540_000_000)
        alert.revision = 1
        alert.changes = [AlertChange(field: "loss", from: "$540M", to: "$624M")]
        // ... and one the exposure overlays marked (README "Exposure").
        alert.incident.exposure = ["Ronin"]
        alert.incident.exposureUSD = Money(usd: 2_000_000)
        alert.incident.exposureOwner = "treasury"
        alert.incident.attributionSource = "sanctions"
        let incidentNames = Set(MessageTemplate.variables(for: alert).keys)
        #expect(incidentNames == Set(MessageTemplate.variableNames).subtracting(MessageTemplate.summaryVariableNames))
        // A message about many incidents adds the summary variables (its builders set them all:
        // HackWatchStatsTests check each against `summaryVariableNames`).
        let names = MessageTemplate.summaryVariableNames.filter { $0 != "top" }
        alert.summary = AlertSummary(kind: "aggregate", headline: "h", lines: [],
                                     variables: Dictionary(uniqueKeysWithValues: names.map { ($0, "x") }), top: [["name": "Ronin"]])
        #expect(Set(MessageTemplate.variables(for: alert).keys) == Set(MessageTemplate.variableNames))
    }

    @Test func validTemplatesPass() {
        #expect(MessageTemplate.validate("{{name}} {{#chains}}on {{chains}}{{/chains}}") == nil)
    }

    @Test func badTemplateFallsBackToTheDefaultLayoutAtSendTime() {
        let alert = NotifyFixtures.alert(template: "{{#broken")
        #expect(MessageTemplate.text(for: alert, sinkType: "slack").hasPrefix("Ronin: $624M stolen on Ethereum, Ronin (Private Key Compromised)."))
    }

    @Test func everySinkTypeHasAValidDefaultLayout() {
        #expect(Set(MessageTemplate.defaultLayouts.keys) == Set(SinkFactory.types))
        for (type, layout) in MessageTemplate.defaultLayouts {
            #expect(MessageTemplate.validate(layout) == nil, "\(type)")
        }
    }

    @Test func defaultLayouts() {
        let alert = NotifyFixtures.alert()
        #expect(MessageTemplate.text(for: alert, sinkType: "slack") ==
                "Ronin: $624M stolen on Ethereum, Ronin (Private Key Compromised).\nRonin Bridge exploited\nRule mega-loss, severity critical.")
        #expect(MessageTemplate.text(for: alert, sinkType: "syslog") ==
                "Ronin: $624M stolen on Ethereum, Ronin (Private Key Compromised); rule mega-loss, severity critical")
        #expect(MessageTemplate.headline(for: alert) == "[CRITICAL] Ronin: $624M stolen")
        var unknown = alert
        unknown.incident.loss = nil
        unknown.incident.chains = []
        unknown.incident.technique = nil
        unknown.incident.title = nil
        #expect(MessageTemplate.text(for: unknown, sinkType: "syslog") == "Ronin; rule mega-loss, severity critical")
    }
}
