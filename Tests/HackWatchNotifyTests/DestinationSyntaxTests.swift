import Foundation
import Testing
import TestSupport
import HackWatchFixtures
@testable import HackWatchHTTP
@testable import HackWatchModel
@testable import HackWatchNotify

/// Each destination's own syntax and limits, in its own units, checked on the payloads the
/// sinks build: what the platform's parser would show, accept or decode.
@Suite struct DestinationSyntaxTests {
    // MARK: Teams (Adaptive Card markdown)

    /// What the Adaptive Card markdown parser shows for `text`: it removes a backslash only
    /// before `[`, `]`, `)` and a line break; every other backslash stays visible.
    static func teamsShown(_ text: String) -> String {
        var out = "", pending = false
        for character in text {
            if pending {
                if !["[", "]", ")", "\n", "\r"].contains(character) { out.append("\\") }
                pending = false
            }
            if character == "\\" { pending = true } else { out.append(character) }
        }
        if pending { out.append("\\") }
        return out
    }

    /// Real names from the DefiLlama snapshot: Teams shows them as written, no backslash.
    @Test(arguments: ["Rule h_default", "Solana (Frontend Attack)", "Ronin [bridge] #1", "50% of funds! ~$2M", "a_b_c (x) [y]",
                      "path\\to (file)", "`code` | pipe"])
    func teamsShowsFeedTextAsWritten(name: String) {
        #expect(Self.teamsShown(Escaper.teams.escape(name)) == name)
    }

    @Test func teamsCardTextHasNoVisibleBackslashesAndNoLinks() throws {
        let alert = NotifyFixtures.alert(rule: "h_default", name: "Solana (Frontend Attack)",
                                         title: "Drained via [Refund form](https://phish.example/x)")
        let card = try JSONValue.parse(TeamsSink.body(for: alert))
        let body = try #require(card["attachments"]?.arrayValue?.first?["content"]?["body"]?.arrayValue)
        let headline = try #require(body.first?["text"]?.stringValue)
        #expect(Self.teamsShown(headline) == "[CRITICAL] Solana (Frontend Attack): $624M stolen")
        let facts = try #require(body.last?["facts"]?.arrayValue)
        #expect(facts.contains { $0["title"] == .string("Rule") && Self.teamsShown($0["value"]?.stringValue ?? "") == "h_default" })
        let text = try #require(body[1]["text"]?.stringValue)
        #expect(Self.teamsShown(text).contains("Drained via [Refund form](https://phish.example/x)"))
        // Link syntax needs an unescaped `[`: none is left.
        #expect(!Self.hasUnescaped("[", in: text) && !Self.hasUnescaped(")", in: text))
    }

    static func hasUnescaped(_ mark: Character, in text: String) -> Bool {
        var escaped = false
        for character in text {
            if character == mark, !escaped { return true }
            escaped = character == "\\" && !escaped
        }
        return false
    }

    // MARK: URLs (RFC 3986), one normaliser for every sink

    @Test(arguments: [
        ("http://good.example/x)@channel", "http://good.example/x%29@channel"),
        ("http://good.example/x)[Refund form](https://phish.example/r)", "http://good.example/x%29%5BRefund%20form%5D%28https://phish.example/r%29"),
        ("http://good.example/x)![p](http://tracker.example/p.png)", "http://good.example/x%29!%5Bp%5D%28http://tracker.example/p.png%29"),
        ("https://a.example/p[1]", "https://a.example/p%5B1%5D"),
        ("https://a.example/100%", "https://a.example/100%25"),
        ("https://a.example/a%20b%zz", "https://a.example/a%20b%25zz"),
        ("https://a.example/#x#y", "https://a.example/#x%23y"),
        ("HTTPS://A.Example/Path", "https://a.example/Path"),
        ("https://a.example/é it's", "https://a.example/%C3%A9%20it%27s"),
        ("https://a.example:8443/x?q=a&b=<c>|\"d\"", "https://a.example:8443/x?q=a&b=%3Cc%3E%7C%22d%22"),
        ("  https://rekt.news/ronin-rekt/ \n", "https://rekt.news/ronin-rekt/"),
        ("https://[2001:db8::1]:8080/x", "https://[2001:db8::1]:8080/x"),
        ("https://a.example?x=1", "https://a.example?x=1"),
        ("https://a.example/\\{x}^`", "https://a.example/%5C%7Bx%7D%5E%60"),
        ("https://a.example/a\nb\tc\u{202E}d", "https://a.example/abcd"),
    ])
    func urlsAreNormalised(raw: String, expected: String) {
        #expect(SafeText.url(raw) == expected)
    }

    @Test(arguments: ["javascript:alert(1)", "ftp://a.example/", "https://", "https://good.example@evil.example/",
                      "https://exa mple.com/", "https://bücher.example/", "https://a.example:99999/", "https://[::1/",
                      "http://a.example:x/", "data:text/html,hi", "https://a.example/" + String(repeating: "a", count: 2100)])
    func unrepairableURLsAreDropped(raw: String) {
        #expect(SafeText.url(raw) == nil)
    }

    /// RFC 3986 `URI` with nothing markup could close: checked on seeded random inputs.
    @Test func normalisedURLsAreValidAndInert() {
        var random = SplitMix64(seed: 12)
        let pieces = ["/", "?", "#", "%", "%4", "%41", "(", ")", "[", "]", "!", "@", " ", "\"", "'", "<", ">", "\\", "|", "é",
                      "💥", "&", "&amp;", "=", "a", "Z", "9", "~", "\u{202E}", "\n"]
        for _ in 0..<2000 {
            var raw = "https://good.example/"
            for _ in 0..<Int.random(in: 0...12, using: &random) { raw += pieces.randomElement(using: &random)! }
            guard let url = SafeText.url(raw) else { Issue.record("dropped repairable \(raw)"); continue }
            #expect(Self.isRFC3986(url), "\(raw) → \(url)")
            #expect(!url.contains { "()[]<>\"' \\|`{}^".contains($0) }, "\(url)")
        }
    }

    /// Every character allowed by RFC 3986 (`%` only as `%XX`, one `#`).
    static func isRFC3986(_ url: String) -> Bool {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%".utf8)
        let bytes = Array(url.utf8)
        var i = 0
        while i < bytes.count {
            guard allowed.contains(bytes[i]) else { return false }
            if bytes[i] == UInt8(ascii: "%") {
                guard i + 2 < bytes.count, bytes[(i + 1)...(i + 2)].allSatisfy({ UInt8(ascii: "0")...UInt8(ascii: "9") ~= $0 || UInt8(ascii: "A")...UInt8(ascii: "F") ~= $0 || UInt8(ascii: "a")...UInt8(ascii: "f") ~= $0 }) else { return false }
            }
            i += 1
        }
        return url.filter { $0 == "#" }.count <= 1 && url.hasPrefix("https://")
    }

    static let attacks = ["http://good.example/x)@channel", "http://good.example/x)[Refund form](https://phish.example/r)",
                          "http://good.example/x)![p](http://tracker.example/p.png)"]

    /// Markdown link targets cannot be closed early: the whole URL stays inside `(...)`.
    @Test(arguments: attacks)
    func markdownLinksCannotBeClosed(url: String) throws {
        let alert = NotifyFixtures.alert(url: url)
        let text = try #require(MattermostSink.payload(for: alert, channel: nil, username: nil)["text"]?.stringValue)
        let link = try #require(text.range(of: "[Report](")).upperBound
        let close = try #require(text[link...].firstIndex(of: ")"))
        #expect(String(text[link..<close]) == SafeText.url(url))
        #expect(text[close...] == ")")
        let discord = DiscordSink.payload(for: alert, username: nil)
        #expect(discord["embeds"]?.arrayValue?.first?["url"] == SafeText.url(url).map(JSONValue.string))
    }

    /// Slack and Mattermost decode `&amp;`/`&lt;` in link targets: written as `&amp;`, the link
    /// the reader opens is the normalised URL itself.
    @Test func entityDecodingLinkTargetsKeepTheURL() throws {
        let url = "https://a.example/?q=&lt;x&gt;&amp;y=1"
        let normalised = try #require(SafeText.url(url))
        func decode(_ s: Substring) -> String {
            s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
        }
        let slack = SlackSink.payload(for: NotifyFixtures.alert(url: url)).serialized()
        let slackBlocks = try #require(try JSONValue.parse(Array(slack.utf8))["blocks"]?.arrayValue)
        let context = try #require(slackBlocks.last?["elements"]?.arrayValue?.first?["text"]?.stringValue)
        #expect(context.hasPrefix("<") && context.hasSuffix("|Report>"))
        #expect(decode(context.dropFirst().dropLast("|Report>".count)) == normalised)
        let mattermost = try #require(MattermostSink.payload(for: NotifyFixtures.alert(url: url), channel: nil, username: nil)["text"]?.stringValue)
        let target = try #require(mattermost.range(of: "[Report](")).upperBound
        #expect(decode(mattermost[target...].dropLast()) == normalised)
    }

    /// A URL Discord or the Adaptive Card schema would reject is repaired, or dropped with the
    /// alert still sent; never sent as is.
    @Test func discordAndTeamsGetValidURLsOrNone() throws {
        for (raw, expected) in [("https://a.example/[x]%#a#b", "https://a.example/%5Bx%5D%25#a%23b"), ("https://bad host/", nil)] {
            let alert = NotifyFixtures.alert(url: raw)
            let embed = DiscordSink.payload(for: alert, username: nil)["embeds"]?.arrayValue?.first
            #expect(embed?["url"]?.stringValue == expected)
            #expect(embed?["title"]?.stringValue?.isEmpty == false)
            let card = try JSONValue.parse(TeamsSink.body(for: alert))["attachments"]?.arrayValue?.first?["content"]
            #expect(card?["actions"]?.arrayValue?.first?["url"]?.stringValue == expected)
        }
    }

    // MARK: Emptiness after cleaning

    @Test func blankFactsAndTextAreLeftOut() throws {
        var alert = NotifyFixtures.alert(template: " \u{202E}\u{200B} ")
        alert.incident.technique = "\u{202E}\u{2066}\u{7}"
        alert.incident.target = "\u{200B} \u{FEFF}"
        alert.incident.chains = ["\u{202D}", "Ethereum"]
        let embed = try #require(DiscordSink.payload(for: alert, username: nil)["embeds"]?.arrayValue?.first)
        let fields = try #require(embed["fields"]?.arrayValue)
        #expect(!fields.isEmpty)
        for field in fields {
            #expect(!SafeText.isBlank(field["name"]?.stringValue) && !SafeText.isBlank(field["value"]?.stringValue), "\(field)")
        }
        #expect(!fields.contains { $0["name"] == .string("Technique") || $0["name"] == .string("Target") })
        #expect(fields.contains { $0["name"] == .string("Chains") && $0["value"] == .string("Ethereum") })
        #expect(embed["description"] == nil)
        let slack = try #require(SlackSink.payload(for: alert)["blocks"]?.arrayValue)
        for block in slack { if let text = block["text"]?["text"]?.stringValue { #expect(!SafeText.isBlank(text)) } }
    }

    // MARK: ntfy (headers decoded as RFC 2047)

    /// Decodes RFC 2047 `B` words as ntfy does (Go's mime.WordDecoder): whitespace between
    /// adjacent encoded words is dropped.
    static func decodeWords(_ header: String) -> String {
        var out = "", rest = Substring(header), lastWasWord = false
        while let start = rest.range(of: "=?UTF-8?B?", options: .caseInsensitive),
              let end = rest[start.upperBound...].range(of: "?=") {
            let between = rest[..<start.lowerBound]
            if !(lastWasWord && between.allSatisfy(\.isWhitespace)) { out += between }
            let data = Data(base64Encoded: String(rest[start.upperBound..<end.lowerBound])) ?? Data()
            out += String(decoding: data, as: UTF8.self)
            rest = rest[end.upperBound...]
            lastWasWord = true
        }
        return out + rest
    }

    @Test func ntfyDecodesOnlyHackwatchsOwnEncodedWords() throws {
        let sink = NtfySink(endpoint: HTTPEndpoint(name: "n", url: "http://127.0.0.1:9/alerts"))
        for name in ["=?UTF-8?B?4oCuQGV2ZXJ5b25lDQpYLUluamVjdGVkOiAx?=", "Café =?utf-8?b?4oCuQGV2ZXJ5b25l?= " + String(repeating: "é", count: 80)] {
            let request = sink.request(for: NotifyFixtures.alert(name: name), now: Date())
            let title = try #require(request.headers.first { $0.name == "Title" }?.value)
            let shown = Self.decodeWords(title)
            #expect(!shown.contains("\u{202E}") && !shown.contains("\r") && !shown.contains("\n"), "\(shown)")
            #expect(!shown.contains("@everyone"), "\(shown)")
            #expect(shown.hasPrefix("[CRITICAL] "))
            // RFC 2047 §2: an encoded word is at most 75 characters.
            for word in title.split(separator: " ") where word.hasPrefix("=?") { #expect(word.count <= 75) }
            #expect(title.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F })
        }
    }

    // MARK: PagerDuty

    @Test func pagerDutySingleLineFieldsAreOneLine() throws {
        var alert = NotifyFixtures.alert(name: "Multi\nLine\r\nName")
        alert.incident.technique = "Flash\nloan\u{2028}attack"
        alert.incident.chains = ["Eth\nereum", "BSC"]
        alert.incident.source = "feed\nname"
        let payload = try #require(PagerDutySink.payload(for: alert, routingKey: "k")["payload"])
        for key in ["summary", "source", "component", "class", "group"] {
            let value = try #require(payload[key]?.stringValue, "\(key)")
            #expect(!value.contains { $0.isNewline }, "\(key): \(value)")
        }
        #expect(payload["class"] == .string("Flash loan attack"))
        let links = PagerDutySink.payload(for: alert, routingKey: "k")["links"]?.arrayValue ?? []
        for link in links { #expect(link["text"]?.stringValue?.contains { $0.isNewline } == false) }
    }

    // MARK: Telegram (length after entity parsing, UTF-16)

    @Test func telegramCountsCharactersAfterEntityParsing() throws {
        for filler in ["&", "<", "\"", "é", "💥", "a"] {
            let alert = NotifyFixtures.alert(template: String(repeating: filler, count: 10_000))
            let text = try #require(TelegramSink.payload(for: alert, chatID: .number(1))["text"]?.stringValue)
            let shown = SafeText.renderedHTMLLength(text)
            #expect(shown <= 4096, "\(filler): \(shown)")
            #expect(shown >= 4090, "\(filler): cut to \(shown) of 4096")
        }
        #expect(SafeText.renderedHTMLLength("<b>a&amp;b</b>\n<a href=\"https://x.example/?a&amp;b\">Report</a>") == 10)
    }

    // MARK: Syslog

    /// RFC 5424 §6.3.3 escapes octets, not graphemes: a `"`, `]` or `\` followed by a combining
    /// mark is still escaped.
    @Test(arguments: [("a\"\u{301}b", "a\\\"\u{301}b"), ("]\u{301}", "\\]\u{301}"), ("\\\u{20DD}", "\\\\\u{20DD}"), ("plain", "plain")])
    func sdParamValuesAreEscapedPerScalar(value: String, expected: String) {
        #expect(SyslogFormat.sdEscape(value) == expected)
    }

    @Test func rfc5424StructuredDataStaysParseable() throws {
        let alert = NotifyFixtures.alert(name: "x\"\u{301}] y]\u{301} z\\\u{301}")
        let message = SyslogFormat.rfc5424(alert, facility: 3, hostname: "h")
        // Walk the SD element as a strict parser does, by scalar: it must end at its `]`.
        let scalars = Array(message.unicodeScalars)
        let open = try #require(scalars.firstIndex(of: "["))
        var i = open + 1, inValue = false, end: Int?
        while i < scalars.count {
            let c = scalars[i]
            if inValue {
                if c == "\\" { i += 2; continue }
                if c == "\"" { inValue = false } else { #expect(c != "]", "bare ']' inside a value") }
            } else if c == "\"" {
                inValue = true
            } else if c == "]" {
                end = i
                break
            }
            i += 1
        }
        let close = try #require(end)
        #expect(scalars[close + 1] == " " && scalars[close + 2] == "\u{FEFF}")
    }

    @Test func localSyslogWithoutASocketRetriesWithAReason() throws {
        let dir = try makeTemporaryDirectory("hackwatch-devlog")
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = dir.appendingPathComponent("log").path
        let sink = SyslogSink(name: "local", transport: .local, localSocket: missing)
        guard case .retry(nil, let reason) = sink.send(NotifyFixtures.alert()) else {
            Issue.record("no socket must not be reported delivered"); return
        }
        #expect(reason.hasPrefix("syslog: no local syslog socket at \(missing)"), "\(reason)")
        #expect(reason.contains("\"address\""))

        let file = dir.appendingPathComponent("file").path
        FileManager.default.createFile(atPath: file, contents: Data())
        #expect(SyslogSink(name: "l", transport: .local, localSocket: file).send(NotifyFixtures.alert())
                == .retry(after: nil, reason: "syslog: \(file) is not a socket; run a syslog daemon (rsyslog, systemd-journald) or set \"address\" to a remote receiver"))

        let listener = try NotifySocketListener(directory: dir)
        #expect(SyslogSink(name: "l", transport: .local, localSocket: listener.socketName).send(NotifyFixtures.alert()) == .delivered)
        listener.close()
        // A socket file left behind with nobody reading: a stale /dev/log.
        let stalePath = dir.appendingPathComponent("stale.sock").path
        try Self.bindAndClose(stalePath)
        guard case .retry(nil, let stale) = SyslogSink(name: "l", transport: .local, localSocket: stalePath).send(NotifyFixtures.alert()) else {
            Issue.record("a stale socket must not be reported delivered"); return
        }
        #expect(stale.contains("accepts no connection"), "\(stale)")
    }

    /// Leaves a datagram socket file at `path` that no process reads.
    static func bindAndClose(_ path: String) throws {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        #expect(fd >= 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path.utf8) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        close(fd)
        #expect(bound == 0, "bind \(path): \(String(cString: strerror(errno)))")
    }
}
