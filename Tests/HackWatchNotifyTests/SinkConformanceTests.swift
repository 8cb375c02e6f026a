import Foundation
import Testing
import TestSupport
import HackWatchFixtures
@testable import HackWatchConfiguration
@testable import HackWatchModel
@testable import HackWatchNotify

/// Every HTTP sink, against a real loopback receiver: hostile text arrives inert and within the
/// destination's limits, and the shared retry semantics hold (Alertmanager-style conformance).
enum HTTPSinkKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case slack, discord, teams, mattermost, telegram, ntfy, pagerduty, webhook

    var testDescription: String { rawValue }

    static let signingSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    func config(server: LoopbackHTTPServer, timeout: Double = 5) -> SinkConfig {
        var config = SinkConfig(name: "\(rawValue)-sink", type: rawValue, url: .literal(server.url("/hook/SECRET-TOKEN")))
        config.settings["timeout"] = .number(timeout)
        config.settings["rate_limit"] = .number(1000)
        switch self {
        case .telegram:
            config.url = .literal(server.baseURL)
            config.secret = .literal("123:BOTTOKEN")
            config.settings["chat_id"] = .number(-1001234)
        case .pagerduty: config.secret = .literal("ROUTINGKEY")
        case .webhook: config.secret = .literal(Self.signingSecret)
        case .ntfy: config.secret = .literal("tk_ntfytoken")
        default: break
        }
        return config
    }

    func make(_ server: LoopbackHTTPServer, timeout: Double = 5) throws -> any Sink {
        try SinkFactory.make(config(server: server, timeout: timeout), environment: [:])
    }

    /// What this destination answers on success.
    var success: ServerReply {
        switch self {
        case .telegram: .text(#"{"ok":true,"result":{"message_id":1}}"#)
        case .pagerduty: .text(#"{"status":"success","dedup_key":"x"}"#, status: 202)
        case .teams: .status(202)
        case .discord: .text(#"{"id":"1"}"#)
        default: .text("ok")
        }
    }

    /// Markdown destinations must also not carry live markdown links.
    var forbidden: [String] {
        var list = NotifyFixtures.forbidden + ["javascript:"]
        if [.discord, .teams, .mattermost].contains(self) { list += ["[click](", "**bold**"] }
        return list
    }

    /// Problems with the request's limits and required fields ([] when fine).
    func limitProblems(_ request: RecordedRequest, alert: Alert) -> [String] {
        var problems: [String] = []
        func check(_ ok: Bool, _ message: String) { if !ok { problems.append(message) } }
        let json = try? JSONValue.parse(request.body)
        func len(_ value: JSONValue?) -> Int { value?.stringValue?.utf16.count ?? 0 }
        switch self {
        case .slack:
            check(len(json?["text"]) <= 3000, "text over 3000")
            for block in json?["blocks"]?.arrayValue ?? [] { check(len(block["text"]?["text"]) <= 3000, "block over 3000") }
            check(len(json?["blocks"]?.arrayValue?.first?["text"]?["text"]) <= 150, "header over 150")
            for block in json?["blocks"]?.arrayValue ?? [] {
                let fields = block["fields"]?.arrayValue ?? []
                check(fields.count <= 10 && fields.allSatisfy { len($0["text"]) <= 2000 && len($0["text"]) > 0 }, "section fields over 10 × 2000")
                if let text = block["text"]?["text"] { check(len(text) > 0, "empty block text") }
            }
        case .discord:
            check(request.query == "wait=true", "no ?wait=true")
            check(json?["allowed_mentions"] == .object(["parse": .array([])]), "allowed_mentions not empty")
            check(len(json?["content"]) <= 2000, "content over 2000")
            let embed = json?["embeds"]?.arrayValue?.first
            check(len(embed?["title"]) <= 256, "title over 256")
            check(len(embed?["description"]) <= 4096, "description over 4096")
            let fields = embed?["fields"]?.arrayValue ?? []
            check(fields.count <= 25, "over 25 fields")
            for field in fields {
                check(len(field["name"]) <= 256 && len(field["value"]) <= 1024, "field over limit")
                check(len(field["name"]) > 0 && len(field["value"]) > 0, "empty field")
            }
            check(len(embed?["footer"]?["text"]) <= 2048, "footer over 2048")
            if let url = embed?["url"]?.stringValue { check(url.utf8.count <= 2048 && DestinationSyntaxTests.isRFC3986(url), "embed url invalid") }
            let total = len(embed?["title"]) + len(embed?["description"]) + len(embed?["footer"]?["text"])
                + fields.reduce(0) { $0 + len($1["name"]) + len($1["value"]) }
            check(total <= 6000, "embed total \(total) over 6000")
        case .teams:
            check(request.body.count <= 20 * 1024, "payload \(request.body.count) bytes over 20 KB")
            check(json?["attachments"]?.arrayValue?.first?["contentType"] == .string("application/vnd.microsoft.card.adaptive"), "no card")
            for action in json?["attachments"]?.arrayValue?.first?["content"]?["actions"]?.arrayValue ?? [] {
                check(DestinationSyntaxTests.isRFC3986(action["url"]?.stringValue ?? ""), "Action.OpenUrl url invalid")
            }
        case .mattermost:
            check(len(json?["text"]) <= 16_383, "text over 16383")
        case .telegram:
            check(request.path == "/bot123:BOTTOKEN/sendMessage", "wrong path")
            // Telegram counts UTF-16 units after entity parsing (tags nothing, `&amp;` one).
            check(SafeText.renderedHTMLLength(json?["text"]?.stringValue ?? "") <= 4096, "text over 4096")
            check(json?["parse_mode"] == .string("HTML"), "not HTML mode")
            check(json?["chat_id"] == .number(-1001234), "chat_id")
        case .ntfy:
            check(request.body.count <= 4096, "body over 4096 bytes")
            check(request.header("Authorization") == "Bearer tk_ntfytoken", "no token")
            check(request.header("Priority") == "4", "priority")
            for word in (request.header("Title") ?? "").split(separator: " ") where word.hasPrefix("=?") {
                check(word.count <= 75, "encoded word over 75")
            }
        case .pagerduty:
            check(json?["dedup_key"] == .string(alert.id), "dedup_key")
            check(json?["routing_key"] == .string("ROUTINGKEY"), "routing_key")
            check(len(json?["payload"]?["summary"]) <= 1024, "summary over 1024")
            for key in ["source", "component", "group", "class"] {
                let value = json?["payload"]?[key]?.stringValue ?? ""
                check(value.count <= 255 && !value.contains { $0.isNewline }, "\(key) not one line of ≤ 255")
            }
            check(len(json?["payload"]?["source"]) > 0, "no source")
            check(json?["payload"]?["severity"] == .string("error"), "severity")
        case .webhook:
            let id = request.header("webhook-id") ?? "", timestamp = request.header("webhook-timestamp") ?? ""
            check(id == alert.id, "webhook-id")
            let signer = try? WebhookSigner(secret: Self.signingSecret)
            check(signer?.signature(id: id, timestamp: Int(timestamp) ?? 0, body: request.body) == request.header("webhook-signature"),
                  "signature does not verify")
            check(json?["incident"]?["url"] == AlertFacts.safeURL(alert.incident.url).map(JSONValue.string) ?? .null, "unsafe url kept")
        }
        if self != .ntfy { check(json != nil, "body is not JSON") }
        return problems
    }
}

/// Every string leaf of a JSON value, joined (what a destination would render).
func jsonStrings(_ value: JSONValue) -> String {
    switch value {
    case .string(let s): s
    case .array(let items): items.map(jsonStrings).joined(separator: "\n")
    case .object(let members): members.values.map(jsonStrings).joined(separator: "\n")
    default: ""
    }
}

@Suite struct SinkConformanceTests {
    @Test(arguments: HTTPSinkKind.allCases)
    func hostileTitleArrivesInertAndWithinLimits(kind: HTTPSinkKind) throws {
        let server = try LoopbackHTTPServer { _ in kind.success }
        let alert = NotifyFixtures.hostileAlert()
        #expect(try kind.make(server).send(alert) == .delivered)
        let request = try #require(server.requests.first)
        var rendered = request.bodyText
        if let json = try? JSONValue.parse(request.body) { rendered += "\n" + jsonStrings(json) }
        rendered += "\n" + request.headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
        let leaked = kind.forbidden.filter { rendered.contains($0) }
        #expect(leaked == [], "\(kind): reached the destination")
        #expect(!request.headers.contains { $0.name.lowercased() == "injected" }, "header injection")
        #expect(kind.limitProblems(request, alert: alert) == [])
        // PagerDuty's summary is the one-line layout (no title/summary text), so nothing to cut.
        if kind != .pagerduty { #expect(rendered.contains("…"), "\(kind): a 40,000-character text should have been cut") }
    }

    @Test(arguments: HTTPSinkKind.allCases)
    func ordinaryAlertIsDeliveredWithItsFacts(kind: HTTPSinkKind) throws {
        let server = try LoopbackHTTPServer { _ in kind.success }
        let alert = NotifyFixtures.alert(severity: .high)
        #expect(try kind.make(server).send(alert) == .delivered)
        let request = try #require(server.requests.first)
        #expect(request.method == "POST")
        let text = request.bodyText + request.headers.map(\.value).joined()
        #expect(text.contains("Ronin"))
        if kind != .ntfy { #expect(text.contains("$624M")) }
        #expect(kind.limitProblems(request, alert: alert) == [])
    }

    @Test(arguments: HTTPSinkKind.allCases)
    func serverErrorsAndRateLimitsRetryHonouringRetryAfter(kind: HTTPSinkKind) throws {
        let server = try LoopbackHTTPServer { _ in .status(503) }
        let sink = try kind.make(server)
        guard case .retry(nil, let reason) = sink.send(NotifyFixtures.alert()) else {
            Issue.record("503 should retry without a hint"); return
        }
        #expect(reason == "HTTP 503")
        server.setHandler { _ in .text("slow down", status: 429, headers: [("Retry-After", "7")]) }
        #expect(sink.send(NotifyFixtures.alert()) == .retry(after: 7, reason: "HTTP 429: slow down"))
    }

    @Test(arguments: HTTPSinkKind.allCases)
    func clientErrorsAreDead(kind: HTTPSinkKind) throws {
        let server = try LoopbackHTTPServer { _ in .text("invalid_payload", status: 400) }
        #expect(try kind.make(server).send(NotifyFixtures.alert()) == .dead(reason: "HTTP 400: invalid_payload"))
        server.setHandler { _ in .status(404) }
        #expect(try kind.make(server).send(NotifyFixtures.alert()) == .dead(reason: "HTTP 404"))
    }

    @Test(arguments: HTTPSinkKind.allCases)
    func timeoutsAndResetsRetryWithoutLeakingTheURL(kind: HTTPSinkKind) throws {
        let server = try LoopbackHTTPServer { _ in .hang }
        defer { server.stop() }
        let sink = try kind.make(server, timeout: 0.3)
        guard case .retry(_, let reason) = sink.send(NotifyFixtures.alert()) else {
            Issue.record("a timeout should retry"); return
        }
        #expect(reason.contains("timed out"))
        server.setHandler { _ in .reset }
        guard case .retry(_, let resetReason) = sink.send(NotifyFixtures.alert()) else {
            Issue.record("a reset should retry"); return
        }
        for secret in ["SECRET-TOKEN", "BOTTOKEN", "ROUTINGKEY", "tk_ntfytoken"] {
            #expect(!reason.contains(secret) && !resetReason.contains(secret))
        }
    }

    @Test func discordBodyHintWins() throws {
        let server = try LoopbackHTTPServer { _ in
            .text(#"{"message":"You are being rate limited.","retry_after":2.5,"global":false}"#, status: 429,
                  headers: [("Retry-After", "3")])
        }
        guard case .retry(let after, _) = try HTTPSinkKind.discord.make(server).send(NotifyFixtures.alert()) else {
            Issue.record("429 should retry"); return
        }
        #expect(after == 2.5)
    }

    @Test func telegramBodyHintWins() throws {
        let server = try LoopbackHTTPServer { _ in
            .text(#"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 9","parameters":{"retry_after":9}}"#,
                  status: 429)
        }
        guard case .retry(let after, _) = try HTTPSinkKind.telegram.make(server).send(NotifyFixtures.alert()) else {
            Issue.record("429 should retry"); return
        }
        #expect(after == 9)
        server.setHandler { _ in .text(#"{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}"#, status: 400) }
        guard case .dead = try HTTPSinkKind.telegram.make(server).send(NotifyFixtures.alert()) else {
            Issue.record("400 should be dead"); return
        }
    }

    @Test func ruleTemplateIsRenderedAndEscaped() throws {
        let server = try LoopbackHTTPServer { _ in .text("ok") }
        let alert = NotifyFixtures.alert(template: "{{{name}}} <!channel> lost {{loss_human}} on {{chains}}", name: "Evil <!here>")
        #expect(try HTTPSinkKind.slack.make(server).send(alert) == .delivered)
        let body = try #require(server.requests.first).bodyText
        #expect(body.contains("Evil &lt;!here&gt; &lt;!channel&gt; lost $624M on Ethereum, Ronin"))
    }
}
