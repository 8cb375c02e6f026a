import Foundation
import Testing
import HackWatchFixtures
@testable import HackWatchNotify

@Suite struct SafeTextTests {
    @Test(arguments: [
        (Escaper.slack, "a & <!channel> > b", "a &amp; &lt;!channel&gt; &gt; b"),
        (Escaper.html, "<b>\"x\" & y</b>", "&lt;b&gt;&quot;x&quot; &amp; y&lt;/b&gt;"),
        (Escaper.markdown, "**x** [a](b) <@1> `c` #h", "\\*\\*x\\*\\* \\[a\\]\\(b\\) ‹@1› \\`c\\` \\#h"),
        (Escaper.none, "<users/all> & co", "‹users/all› & co"),
    ])
    func escaping(escaper: Escaper, input: String, expected: String) {
        #expect(escaper.escape(input) == expected)
    }

    @Test(arguments: [
        ("@everyone look", "@\u{200B}everyone look"),
        ("hi @here and @channel", "hi @\u{200B}here and @\u{200B}channel"),
        ("mail me at ops@example.org", "mail me at ops@example.org"),
        ("(@all)", "(@\u{200B}all)"),
        ("＠everyone", "＠\u{200B}everyone"),
    ])
    func mentionsAreDefanged(input: String, expected: String) {
        #expect(SafeText.defangMentions(input) == expected)
    }

    @Test func cleanRemovesControlAndBidiCharacters() {
        #expect(SafeText.clean("a\u{0}b\u{7}c\r\nd\u{202E}e\u{2066}f\u{85}g\tz") == "abc\nde" + "fg\tz")
    }

    @Test func truncationNeverSplitsAnEscapeOrACharacter() {
        // Each "&" becomes "&amp;" (5 units): a limit of 12 holds two of them and the ellipsis.
        #expect(SafeText.fit("&&&&", limit: 12, escape: .slack) == "&amp;&amp;…")
        // Emoji are 2 UTF-16 units and 4 UTF-8 bytes; never half of one.
        let emoji = String(repeating: "💥", count: 10)
        let cut16 = SafeText.fit(emoji, limit: 7, unit: .utf16)
        #expect(cut16 == "💥💥💥…")
        let cut8 = SafeText.fit(emoji, limit: 10, unit: .utf8)
        #expect(cut8 == "💥…")
        #expect(cut8.utf8.count <= 10)
        // Combining sequences stay whole.
        let accents = String(repeating: "e\u{301}", count: 5)
        #expect(SafeText.fit(accents, limit: 5).unicodeScalars.last != "e")
        #expect(SafeText.fit("short", limit: 100) == "short")
        #expect(SafeText.fit("exactly", limit: 7) == "exactly")
    }

    @Test func fitRespectsLimitForManyLengths() {
        let text = NotifyFixtures.hostileName + " 💥é &<>"
        for limit in 0...200 {
            for escaper in [Escaper.slack, .html, .markdown, .none] {
                let fitted = SafeText.fit(text, limit: limit, escape: escaper)
                #expect(fitted.utf16.count <= limit, "limit \(limit)")
                let bytes = SafeText.fit(text, limit: limit, unit: .utf8, escape: escaper)
                #expect(bytes.utf8.count <= limit, "limit \(limit)")
            }
        }
    }
}
