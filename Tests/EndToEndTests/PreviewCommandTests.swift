import Foundation
import Testing
import TestSupport

/// `hackwatch preview` and `once --dry-run --show` with the built binary: what each sink type
/// would be sent for a hostile incident, secrets redacted, nothing sent or written.
@Suite struct PreviewCommandTests {
    /// Mentions, markup, a markdown link, a bidi override, a control character and a
    /// `javascript:` link: everything a feed could slip into a message.
    static let hostile = #"""
        {"id": "h1", "source": "rekt", "name": "<!channel> @everyone *Evil* [x](http://e.vil)\u202e\u0007 <b>Bridge</b> & co",
         "loss": 150000000, "url": "javascript:alert(1)", "date": "2026-11-30T00:00:00Z"}
        """#

    /// Per sink type, a piece of the exact body the preview must show: escaped for that
    /// destination, mentions defanged (`@` + U+200B), the bidi override and BEL gone.
    @Test(arguments: [
        ("slack", #""text":"&lt;!channel&gt; @\#u{200B}everyone *Evil* [x](http://e.vil) &lt;b&gt;Bridge&lt;/b&gt; &amp; co: $150M stolen.\nRule big, severity critical.","type":"mrkdwn""#),
        ("discord", #""description":"‹\\!channel› @\#u{200B}everyone \\*Evil\\* \\[x\\]\\(http://e.vil\\) ‹b›Bridge‹/b› & co: $150M stolen.\nRule big, severity critical.""#),
        ("teams", #"{"text":"‹!channel› @\#u{200B}everyone ∗Evil∗ \\[x\\](http://e.vil\\) ‹b›Bridge‹/b› & co: $150M stolen.\nRule big, severity critical.","type":"TextBlock""#),
        ("mattermost", "{\"text\":\"#### \\\\[CRITICAL\\\\] ‹\\\\!channel› @\u{200B}everyone \\\\*Evil\\\\* \\\\[x\\\\]\\\\(http://e.vil\\\\) ‹b›Bridge‹/b› & co: $150M stolen\\n"),
        ("telegram", #""text":"<b>[CRITICAL] &lt;!channel&gt; @\#u{200B}everyone *Evil* [x](http://e.vil) &lt;b&gt;Bridge&lt;/b&gt; &amp; co: $150M stolen</b>\n"#),
        ("ntfy", "\n\n‹!channel› @\u{200B}everyone *Evil* [x](http://e.vil) ‹b›Bridge‹/b› & co: $150M stolen.\nRule big, severity critical.\n"),
        ("pagerduty", #""summary":"‹!channel› @\#u{200B}everyone *Evil* [x](http://e.vil) ‹b›Bridge‹/b› & co: $150M stolen; rule big, severity critical""#),
        ("webhook", #""message":"‹!channel› @\#u{200B}everyone *Evil* [x](http://e.vil) ‹b›Bridge‹/b› \u0026 co: $150M stolen; rule big, severity critical""#),
        ("syslog", #"name="‹!channel› @\#u{200B}everyone *Evil* [x\](http://e.vil) ‹b›Bridge‹/b› & co" loss="150000000"] \#u{FEFF}‹!channel›"#),
        ("stdout", #""message":"‹!channel› @\#u{200B}everyone *Evil* [x](http://e.vil) ‹b›Bridge‹/b› \u0026 co: $150M stolen; rule big, severity critical""#),
    ])
    func hostileIncidentShowsTheEscapedPayload(type: String, escaped: String) throws {
        let harness = try NotifyTestHarness(base: "http://127.0.0.1:9")
        defer { harness.clean() }
        let incident = try harness.write("hostile.json", Self.hostile)
        let result = try Binary.run(["preview", "--config", harness.configURL.path, "--incident", incident, "--type", type])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("incident <!channel> @everyone *Evil* [x](http://e.vil) <b>Bridge</b> & co ($150M, rekt, 2026-11-30)\n\n── sink preview-\(type) (\(type)) · big · critical · first message\n"),
                "\(result.stdout)")
        #expect(result.stdout.contains(escaped), "\(result.stdout)")
        // The plain rendered text follows, cleaned for the terminal but not escaped.
        #expect(result.stdout.contains("text:\n  <!channel> @everyone *Evil* [x](http://e.vil) <b>Bridge</b> & co: $150M stolen"), "\(result.stdout)")
        for bad in ["\u{202E}", "\u{07}", "javascript:"] { #expect(!result.stdout.contains(bad), "\(bad.unicodeScalars.first!)") }
        #expect(harness.leftNoState)
    }

    /// Secrets in URLs, headers and bodies are redacted, whichever sink holds them.
    @Test(arguments: [
        ("telegram", "POST http://127.0.0.1:9/…\n"),
        ("pagerduty", #""routing_key":"‹redacted›""#),
        ("ntfy", "Authorization: Bearer ‹redacted›\n"),
        ("slackbot", "Authorization: Bearer ‹redacted›\n"),
        ("webhook", "webhook-signature: v1,"),
        ("unset", "note: url: environment variable HACKWATCH_TEST_UNSET_URL is not set; shown with a stand-in URL\nPOST https://unresolved.invalid/…\n"),
    ])
    func configuredSinksAreShownWithSecretsRedacted(sink: String, shown: String) throws {
        let harness = try NotifyTestHarness(base: "http://127.0.0.1:9")
        defer { harness.clean() }
        let incident = try harness.write("hostile.json", Self.hostile)
        let result = try Binary.run(["preview", "--config", harness.configURL.path, "--incident", incident, "--sink", sink])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(shown), "\(result.stdout)")
        for secret in NotifyTestHarness.secrets { #expect(!result.stdout.contains(secret), "\(secret): \(result.stdout)") }
    }

    /// An update shows the threaded form where the sink threads.
    @Test(arguments: [
        ("telegram", #""reply_parameters":{"allow_sending_without_reply":true,"message_id":1234567890}"#),
        ("discord", "PATCH http://127.0.0.1:9/…\n"),
        ("slackbot", #""thread_ts":"1234567890""#),
        ("webhook", #""type":"incident.updated""#),
        ("pagerduty", #""dedup_key":""#),
    ])
    func updatePreviewIsThreaded(sink: String, shown: String) throws {
        let harness = try NotifyTestHarness(base: "http://127.0.0.1:9")
        defer { harness.clean() }
        let incident = try harness.write("hostile.json", Self.hostile)
        let result = try Binary.run(["preview", "--config", harness.configURL.path, "--incident", incident, "--sink", sink, "--update"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("· update (threaded to the first message's reference 1234567890)\n"), "\(result.stdout)")
        #expect(result.stdout.contains(shown), "\(result.stdout)")
        #expect(result.stdout.contains("Update to \"[CRITICAL] <!channel>"), "\(result.stdout)")
    }

    @Test(arguments: [
        (["--rule", "bgi"], Int32(64), "no rule 'bgi'; did you mean 'big'?"),
        (["--type", "slak"], Int32(64), "unknown sink type 'slak'; did you mean 'slack'?"),
        (["--sink", "nope"], Int32(64), "no sink 'nope' in the config"),
        (["--sink", "slack", "--type", "slack"], Int32(64), "give --sink NAME or --type T, not both"),
        ([], Int32(64), "give --incident FILE, --input FILE (--format F | --preset P | --feed NAME) or --feed NAME"),
    ])
    func badArgumentsAreRefused(arguments: [String], status: Int32, message: String) throws {
        let harness = try NotifyTestHarness(base: "http://127.0.0.1:9")
        defer { harness.clean() }
        let incident = try harness.write("hostile.json", Self.hostile)
        let source = arguments.isEmpty ? [] : ["--incident", incident]
        let result = try Binary.run(["preview", "--config", harness.configURL.path] + source + arguments)
        #expect(result.status == status, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    /// A small incident matches no rule: said so (exit 1), and `--rule` previews it anyway.
    @Test func unmatchedIncidentNeedsRule() throws {
        let harness = try NotifyTestHarness(base: "http://127.0.0.1:9")
        defer { harness.clean() }
        let incident = try harness.write("small.json", #"{"id": "s1", "source": "rekt", "name": "Small Fry", "loss": 1000}"#)
        let none = try Binary.run(["preview", "--config", harness.configURL.path, "--incident", incident])
        #expect(none.status == 1)
        #expect(none.stderr.contains("no rule matches the incident or reaches a sink; --rule R previews a rule's message anyway"), "\(none.stderr)")
        let forced = try Binary.run(["preview", "--config", harness.configURL.path, "--incident", incident, "--rule", "big"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(forced.stdout.contains("── sink slack (slack) · big · critical · first message\nPOST http://127.0.0.1:9/…\n"), "\(forced.stdout)")
    }

    /// A saved feed body read with a format, as `test` reads it.
    @Test func inputFileWithFormat() throws {
        let harness = try NotifyTestHarness(base: "http://127.0.0.1:9")
        defer { harness.clean() }
        let now = Int(Date().timeIntervalSince1970)
        let feed = try harness.write("hacks.json", #"[{"name": "Fresh Protocol", "date": \#(now - 86400), "amount": 150000000}]"#)
        let result = try Binary.run(["preview", "--config", harness.configURL.path, "--input", feed, "--format", "defillama", "--sink", "webhook"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("incident Fresh Protocol ($150M, input, "), "\(result.stdout)")
        #expect(result.stdout.contains(#""name":"Fresh Protocol""#))
    }

    /// `once --dry-run --show` prints each message it would send, and still writes nothing.
    @Test func dryRunShowPrintsTheMessages() throws {
        let harness = try DaemonHarness(rules: CommandEndToEndTests.rules, feed: CommandEndToEndTests.feed)
        defer { harness.stopAndClean() }
        let dry = try Binary.run(["once", "--config", harness.configURL.path, "--dry-run", "--show"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.hasPrefix("would alert: [critical] big: Fresh Protocol ($150M, llama)\n\n── sink hook (webhook) · big · critical · first message\nPOST "), "\(dry.stdout)")
        #expect(dry.stdout.contains(#""name":"Fresh Protocol""#))
        #expect(dry.stdout.hasSuffix("1 alerts would fire\n"))
        #expect(!dry.stdout.contains("SECRET-TOKEN"))
        #expect(harness.deliveries.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: harness.dir.appendingPathComponent("state").path))
        let refused = try Binary.run(["once", "--config", harness.configURL.path, "--show"])
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("--show needs --dry-run"))
    }
}
