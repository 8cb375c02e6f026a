import Foundation
import HackWatchHTTP
import HackWatchModel
import HackWatchTemplates

/// Telegram Bot API `sendMessage` in HTML parse mode: feed text is entity-escaped (`&` `<`
/// `>` `"`), so only hackwatch's own `<b>`/`<a>` tags are markup. At most 4096 characters,
/// counted as Telegram does: UTF-16 units of the text after entity parsing (tags count
/// nothing, `&amp;` counts one).
/// The bot token (the sink's `secret`) is part of the URL and never logged. A 429 carries
/// `parameters.retry_after`. Rate limit: one message per second (per chat).
package struct TelegramSink: HTTPSink {
    let endpoint: HTTPEndpoint
    /// The chat: a numeric id or `@channelname`, as configured.
    let chatID: JSONValue

    /// `endpoint.url` is the API base (`https://api.telegram.org`); `token` the bot token.
    package init(endpoint: HTTPEndpoint, token: String, chatID: JSONValue) {
        var endpoint = endpoint
        let base = endpoint.url.hasSuffix("/") ? String(endpoint.url.dropLast()) : endpoint.url
        endpoint.url = "\(base)/bot\(token)/sendMessage"
        self.endpoint = endpoint
        self.chatID = chatID
    }

    func request(for alert: Alert, now: Date) -> HTTPRequest {
        jsonRequest(Self.payload(for: alert, chatID: chatID))
    }

    static let limit = 4096

    static func payload(for alert: Alert, chatID: JSONValue) -> JSONValue {
        let facts = AlertFacts(alert)
        let head = "<b>" + SafeText.fit(SafeText.singleLine(MessageTemplate.headline(for: alert)), limit: 300, unit: .utf16Rendered, escape: .html) + "</b>\n"
        let link = facts.url.map { "\n<a href=\"\(Escaper.html.escape($0))\">Report</a>" } ?? ""
        let factLines = facts.facts.map {
            "\n<b>\(Escaper.html.escape($0.label)):</b> " + SafeText.fit($0.value, limit: 300, unit: .utf16Rendered, escape: .html)
        }.joined()
        let fixed = SafeText.renderedHTMLLength(head + link + factLines)
        let text = SafeText.fit(MessageTemplate.text(for: alert, sinkType: "telegram"), limit: max(0, limit - fixed),
                                unit: .utf16Rendered, escape: .html)
        return .object([
            "chat_id": chatID,
            "text": .string(head + text + factLines + link),
            "parse_mode": .string("HTML"),
            "disable_web_page_preview": .bool(true),
        ])
    }

    func verdict(for response: HTTPResponse, now: Date) -> SinkResult {
        let body = try? JSONValue.parse(response.body)
        if response.isSuccess {
            // The Bot API answers {"ok": .bool(false), ...} with an error status, but be strict.
            if body?["ok"]?.boolValue == false { return .dead(reason: HTTPVerdict.describe(response)) }
            return .delivered
        }
        let standard = HTTPVerdict.standard(response, now: now)
        guard case .retry(let after, let reason) = standard else { return standard }
        let hint = body?["parameters"]?["retry_after"]?.numberValue
        return .retry(after: hint ?? after, reason: reason)
    }
}
