import Foundation
import HackWatchHTTP
import HackWatchModel
import HackWatchTemplates

/// ntfy (ntfy.sh or self-hosted): the message as the body, `Title`, `Priority`, `Tags` and
/// `Click` headers. Header values are single-line, control-free, and RFC 2047-encoded when not
/// ASCII (ntfy decodes them); encoded-word syntax in feed text (`=?UTF-8?B?…?=`) is broken up
/// first, so ntfy decodes only hackwatch's own words and feed text cannot inject headers. The body stays under 4,000
/// bytes (larger ones become attachments). An optional `secret` is sent as a Bearer token.
package struct NtfySink: HTTPSink {
    let endpoint: HTTPEndpoint
    let token: String?

    package init(endpoint: HTTPEndpoint, token: String? = nil) {
        self.endpoint = endpoint
        self.token = token
    }

    func request(for alert: Alert, now: Date) -> HTTPRequest {
        let facts = AlertFacts(alert)
        let body = SafeText.fit(MessageTemplate.text(for: alert, sinkType: "ntfy"), limit: 4000, unit: .utf8)
        var headers: [(name: String, value: String)] = [
            ("Title", Self.headerValue(MessageTemplate.headline(for: alert), limit: 200)),
            ("Priority", String(Self.priority(alert.severity))),
            ("Tags", "rotating_light,\(alert.severity.rawValue)"),
        ]
        if let url = facts.url { headers.append(("Click", url)) }
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        return postRequest(Array(body.utf8), contentType: "text/plain; charset=utf-8", headers: headers)
    }

    /// ntfy priorities: 1 min … 5 max.
    static func priority(_ severity: Severity) -> Int {
        switch severity {
        case .critical: 5
        case .high: 4
        case .medium: 3
        case .low, .info: 2
        }
    }

    /// One clean line; RFC 2047 `=?UTF-8?B?…?=` words when it holds non-ASCII.
    static func headerValue(_ text: String, limit: Int) -> String {
        SafeText.encodedWords(SafeText.fit(SafeText.defangEncodedWords(SafeText.singleLine(text)), limit: limit, unit: .utf8))
    }
}
