import Foundation
import HackWatchHTTP
import HackWatchModel
import HackWatchTemplates

/// Mattermost incoming webhook: one markdown `text`. Markdown is backslash-escaped, `<` `>`
/// replaced and `@channel`/`@all`/`@here`/`@user` defanged. Posts are cut at 16,000 characters
/// (Mattermost's limit is 16,383).
package struct MattermostSink: HTTPSink {
    let endpoint: HTTPEndpoint
    /// Optional channel override and display name.
    let channel: String?
    let username: String?

    package init(endpoint: HTTPEndpoint, channel: String? = nil, username: String? = nil) {
        self.endpoint = endpoint
        self.channel = channel
        self.username = username
    }

    static let limit = 16_000

    func request(for alert: Alert, now: Date) -> HTTPRequest {
        jsonRequest(Self.payload(for: alert, channel: channel, username: username))
    }

    static func payload(for alert: Alert, channel: String?, username: String?) -> JSONValue {
        let facts = AlertFacts(alert)
        let head = "#### " + SafeText.fit(SafeText.singleLine(MessageTemplate.headline(for: alert)), limit: 300, escape: .markdown) + "\n"
        let table = "\n\n| | |\n|:--|:--|\n" + facts.facts.map {
            "| **\($0.label)** | " + SafeText.fit(SafeText.singleLine($0.value), limit: 300, escape: .markdown) + " |"
        }.joined(separator: "\n")
        let link = facts.url.map { "\n\n[Report](\(SafeText.entityLinkTarget($0)))" } ?? ""
        let budget = max(0, limit - head.utf16.count - table.utf16.count - link.utf16.count)
        let text = head + SafeText.fit(MessageTemplate.text(for: alert, sinkType: "mattermost"), limit: budget, escape: .markdown)
            + table + link
        var body: [String: JSONValue] = ["text": .string(text)]
        if let channel { body["channel"] = .string(channel) }
        if let username { body["username"] = .string(SafeText.fit(SafeText.singleLine(username), limit: 64)) }
        return .object(body)
    }
}
