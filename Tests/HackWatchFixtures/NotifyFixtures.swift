import Foundation
import TestSupport
import HackWatchModel
import HackWatchStore

/// Incidents, alerts and stores for the Notify, Store and Templates tests (sinks: the Notify
/// tests extend it).
package enum NotifyFixtures {
    /// A realistic incident.
    package static func incident(_ id: String = "ronin-2022", name: String = "Ronin", title: String? = "Ronin Bridge exploited",
                         loss: Double? = 624_000_000, url: String? = "https://rekt.news/ronin-rekt/") -> Incident {
        Incident(id: id, source: "defillama", name: name, title: title, summary: "Validator keys were compromised.",
                 url: url, date: Incident.parseDate("2022-03-23"), loss: loss.map { Money(usd: $0) },
                 chains: ["Ethereum", "Ronin"], classification: "Infrastructure", technique: "Private Key Compromised",
                 bridge: true, target: "Bridge", attribution: "Lazarus Group")
    }

    package static func alert(_ id: String = "ronin-2022", rule: String = "mega-loss", severity: Severity = .critical,
                      template: String? = nil, name: String = "Ronin", title: String? = "Ronin Bridge exploited",
                      url: String? = "https://rekt.news/ronin-rekt/", firedAt: Date = Date()) -> Alert {
        Alert(rule: rule, severity: severity, template: template,
              incident: incident(id, name: name, title: title, url: url), firedAt: firedAt)
    }

    /// Feed text written to break out of every destination's markup.
    package static let hostileName = "@everyone @here <!channel> <!here|x> <@U123> <users/all> <at>all</at> **bold** [click](https://evil.example/x) <b>x</b> &amp; `code` # head \u{202E}gnp.exe\r\nInjected: header"

    /// An alert whose every text field is hostile (and long, to exercise truncation).
    package static func hostileAlert(length: Int = 40000) -> Alert {
        let long = String(repeating: hostileName + " 💥é ", count: max(1, length / hostileName.count))
        var incident = incident("hostile-1", name: hostileName, title: long, url: "javascript:alert(1)")
        incident.summary = long
        incident.chains = ["<!channel>", "@everyone"]
        incident.technique = "<users/all> @here"
        return Alert(rule: "any", severity: .high, incident: incident, firedAt: Date(timeIntervalSince1970: 1_700_000_000))
    }

    /// Substrings that must never reach a destination verbatim.
    package static let forbidden = ["@everyone", "@here", "<!channel>", "<!here", "<@U123>", "<users/all>", "<at>", "<b>x</b>",
                            "\u{202E}", "\r\nInjected"]

    package static func temporaryStore() throws -> (StateStore, URL) {
        let folder = try makeTemporaryDirectory("hackwatch-store")
        let store = try StateStore(path: StateStore.path(stateDir: folder.path))
        return (store, folder)
    }
}
