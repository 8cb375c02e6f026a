import Foundation
import Testing
@testable import HackWatchFeeds

@Suite struct FeedTextTests {
    @Test(arguments: [
        ("Ronin lost $625 million to hackers", 625e6),
        ("a $1.9 billion theft", 1.9e9),
        ("Nomad: $190M drained", 190e6),
        ("US$ 1.5bn stolen", 1.5e9),
        ("US$1.5bn stolen", 1.5e9),
        ("lost $3,000,000.", 3e6),
        ("just $4.5m", 4.5e6),
        ("$250k bounty", 250e3),
        ("USD 2 million", 2e6),
        ("$5 more", 5),
        ("120,000 ETH ($300M) stolen", 300e6),
        ("$1.2B", 1.2e9),
    ])
    func extractsUSD(text: String, usd: Double) {
        #expect(FeedText.usdAmount(in: text) == usd)
    }

    @Test(arguments: ["120,000 ETH stolen", "A$5 million", "C$ 3M", "costs $ more", "USDT 5M", "no money here", "$",
                            "$" + String(repeating: "9", count: 400) + " lost"])
    func ignoresNonUSD(text: String) {
        #expect(FeedText.usdAmount(in: text) == nil)
    }

    @Test(arguments: [
        ("Ronin Bridge hacked for $625M", "Ronin Bridge"),
        ("Nomad exploited: $190M gone", "Nomad"),
        ("Euler Finance - REKT", "Euler Finance"),
        ("Mango Markets - Rekt 2", "Mango Markets"),
        ("BREAKING: Harmony's Horizon bridge drained", "Harmony"),
        ("Wintermute: $160M DeFi hack", "Wintermute"),
        ("Curve Finance | Vyper reentrancy", "Curve Finance"),
        ("The DAO drained", "DAO"),
        ("Why audits fail", "Why audits fail"),
        ("KyberSwap suffers $48M exploit", "KyberSwap"),
    ])
    func namesFromTitles(title: String, name: String) {
        #expect(FeedText.name(fromTitle: title) == name)
    }

    @Test func stripsHTML() {
        let html = "<p>Hello&nbsp;<b>world</b> &amp; friends&#39; &#x2019;s</p><script>alert('x')</script><style>p{}</style><p>a < b</p>"
        #expect(FeedText.stripHTML(html) == "Hello world & friends' ’s a < b")
    }

    @Test func attributionTable() {
        #expect(FeedText.attribution(in: "FBI attributes theft to North Korean hackers") == "Lazarus Group")
        #expect(FeedText.attribution(in: "the DPRK-linked group") == "Lazarus Group")
        #expect(FeedText.attribution(in: "Lazarus strikes again") == "Lazarus Group")
        #expect(FeedText.attribution(in: "an unknown attacker") == nil)
        #expect(FeedText.mentionsBridge("Cross-chain Bridge drained") == true)
        #expect(FeedText.mentionsBridge("a DEX") == nil)
    }

    /// The byte-level helpers agree with Foundation's slower equivalents they replaced.
    @Test(arguments: [
        "  Ronin.  ", "«Curve»", "(Nomad)", "$Wormhole$", "+Euler+", "Mango!?", "„Quoted“", "\u{A0}Beanstalk\u{2003}",
        "__init__", "<Harmony>", "^Badger^", "~Cream~", "...", "", " ", "Ünïcödé—", "#1 DEX:", "{json}", "A-B", "\u{3000}東京\u{3001}",
    ])
    func helpersMatchFoundation(text: String) {
        let set = CharacterSet.whitespacesAndNewlines.union(.punctuationCharacters)
        #expect(FeedText.trimmingPunctuation(text) == text.trimmingCharacters(in: set))
        #expect(FeedText.trimmed(text) == text.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(FeedText.collapse(text) == text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " "))
    }
}
