import Foundation
import Testing
@testable import HackWatchFeeds
@testable import HackWatchModel

@Suite struct CorrelatorTests {
    let correlator = Correlator()

    static func incident(_ name: String, source: String, id: String? = nil, day: String?, loss: Double? = nil,
                         returned: Double? = nil, bridge: Bool? = nil, tags: [String] = [], chains: [String] = []) -> Incident {
        Incident(id: id ?? "\(source)-\(name)", source: source, name: name, date: day.map(FeedFixtures.date),
                 loss: loss.map { Money(usd: $0) }, returned: returned.map { Money(usd: $0) }, chains: chains,
                 bridge: bridge, tags: tags)
    }

    @Test(arguments: [
        ("Ronin Bridge", "ronin"),
        ("Ronin Network", "ronin"),
        ("ronin", "ronin"),
        ("RONIN  bridge!", "ronin"),
        ("Ronin's Bridge", "ronin"),
        ("Euler Finance", "euler"),
        ("Euler V1", "euler"),
        ("Uranium Finance v2", "uranium"),
        ("Poly Network", "poly"),
        ("PolyNetwork", "poly"),
        ("KyberSwap", "kyberswap"),
        ("Kyber Swap", "kyberswap"),
        ("Curve.fi", "curve"),
        ("The DAO", "dao"),
        ("Beanstalk Farms", "beanstalkfarms"),
        ("Bridge", "bridge"),
        ("Cream Finance (C.R.E.A.M.)", "cream"),
        ("Hakuna-Matata Protocol", "hakunamatata"),
        ("Qubit Finance", "qubit"),
        ("Crème Finance", "creme"),
        ("Harmony Bridge", "harmony"),
        ("Multichain", "multichain"),
        ("Mango Markets", "mango"),
        ("", ""),
    ])
    func normalisesNames(name: String, key: String) {
        #expect(correlator.normalisedName(name) == key)
    }

    @Test func sameHackFromTwoFeedsMatches() {
        let llama = Self.incident("Ronin Bridge", source: "defillama", day: "2022-03-23", loss: 624e6, bridge: true)
        let news = Self.incident("Ronin", source: "news", day: "2022-03-29", loss: 625e6)
        let other = Self.incident("Ronin Bridge", source: "defillama", id: "x", day: "2024-08-06", loss: 12e6)
        #expect(correlator.match(news, among: [other, llama]) == llama)
    }

    @Test func parenthesisedAliasMatches() {
        let llama = Self.incident("Cream Finance (C.R.E.A.M.)", source: "defillama", day: "2021-10-27", loss: 130e6)
        let news = Self.incident("C.R.E.A.M.", source: "news", day: "2021-10-28", loss: 130e6)
        #expect(correlator.match(news, among: [llama]) == llama)
    }

    @Test(arguments: [("Portal", "Wormhole Bridge"), ("Multichain", "Anyswap"), ("Harmony", "Horizon Bridge")])
    func builtInAliasesMatch(known: String, reported: String) {
        let llama = Self.incident(known, source: "defillama", day: "2022-02-02", loss: 100e6)
        #expect(correlator.match(Self.incident(reported, source: "news", day: "2022-02-03"), among: [llama]) == llama)
        // An alias widens only the name test: the dates must still agree.
        #expect(correlator.match(Self.incident(reported, source: "news", day: "2023-02-03"), among: [llama]) == nil)
    }

    @Test(arguments: [
        ("Ronin", "2022-04-07", 624e6, true),     // 15 days: outside the 14-day window
        ("Ronin", "2022-04-06", 624e6, false),    // exactly 14 days: inside
        ("Ronin", "2022-03-23", 300e6, true),     // loss differs by > 35 %
        ("Ronin", "2022-03-23", 410e6, false),    // within 35 %
        ("Axie", "2022-03-23", 624e6, true),      // another name
        ("Ronin", nil, 624e6, true),              // undated never correlates
    ] as [(String, String?, Double, Bool)])
    func rejectsOutsideWindowToleranceOrName(name: String, day: String?, loss: Double, rejected: Bool) {
        let known = Self.incident("Ronin Bridge", source: "defillama", day: "2022-03-23", loss: 624e6)
        let incoming = Self.incident(name, source: "news", day: day, loss: loss)
        #expect((correlator.match(incoming, among: [known]) == nil) == rejected)
    }

    @Test func unknownLossDoesNotPreventMatch() {
        let known = Self.incident("Nomad", source: "defillama", day: "2022-08-01", loss: 190e6)
        let news = Self.incident("Nomad Bridge", source: "news", day: "2022-08-02")
        #expect(correlator.match(news, among: [known]) == known)
    }

    @Test func configurableWindowAndTolerance() {
        let strict = Correlator(window: TimeSpan(seconds: 86_400), amountTolerance: 0.01)
        let known = Self.incident("Nomad", source: "defillama", day: "2022-08-01", loss: 190e6)
        #expect(strict.match(Self.incident("Nomad", source: "n", day: "2022-08-03", loss: 190e6), among: [known]) == nil)
        #expect(strict.match(Self.incident("Nomad", source: "n", day: "2022-08-02", loss: 186e6), among: [known]) == nil)
        #expect(strict.match(Self.incident("Nomad", source: "n", day: "2022-08-02", loss: 189e6), among: [known]) == known)
    }

    /// The feed tells its own records apart: two same-day "Mirror" rows stay two incidents.
    @Test func sameFeedDifferentIDsNeverMatch() {
        let first = Self.incident("Mirror", source: "defillama", id: "a", day: "2021-10-08", loss: 2e6)
        let second = Self.incident("Mirror", source: "defillama", id: "b", day: "2021-10-08", loss: 2.1e6)
        #expect(correlator.match(second, among: [first]) == nil)
        #expect(correlator.match(first, among: [first, second]) == first)  // same source and id: itself
    }

    /// Addresses and transactions from every feed add up (one lists the attacker, one the txs).
    @Test func addressesAndTransactionsAreUnions() {
        var llama = Self.incident("StablR", source: "defillama", day: "2026-05-23", loss: 12.8e6)
        llama.transactions = ["0x15f5"]
        var blocksec = Self.incident("StablR", source: "blocksec", id: "597", day: "2026-05-23", loss: 12.8e6)
        blocksec.addresses = ["0x044D"]
        blocksec.transactions = ["0x15F5", "0x16"]
        let (merged, changed, _) = correlator.merge(blocksec, into: llama)
        #expect(merged.addresses == ["0x044D"])
        #expect(merged.transactions == ["0x15f5", "0x16"])
        #expect(changed)
    }

    /// A revised re-report from the second feed finds the incident it was merged into.
    @Test func reReportFindsTheIncidentItWasMergedInto() {
        let llama = Self.incident("Nomad", source: "defillama", day: "2022-08-01", loss: 150e6)
        let news = Self.incident("Nomad Bridge", source: "news", id: "n1", day: "2022-08-02", loss: 160e6)
        let first = correlator.merge(news, into: llama).merged
        #expect(first.sources == ["defillama", "news"])
        var revised = news
        revised.loss = Money(usd: 190e6)
        #expect(correlator.match(revised, among: [first]) == first)
        let (merged, changed, up) = correlator.merge(revised, into: first)
        #expect(changed && up && merged.loss == Money(usd: 190e6) && merged.sources == ["defillama", "news"])
    }

    @Test func closestCandidateWins() {
        let far = Self.incident("Nomad", source: "a", day: "2022-07-25", loss: 190e6)
        let near = Self.incident("Nomad", source: "b", day: "2022-08-01", loss: 150e6)
        let nearer = Self.incident("Nomad", source: "c", day: "2022-08-01", loss: 185e6)
        let incoming = Self.incident("Nomad", source: "news", day: "2022-08-02", loss: 190e6)
        #expect(correlator.match(incoming, among: [far, near, nearer]) == nearer)
    }

    @Test func mergeUnionsSourcesFillsFieldsAndRevisesLoss() {
        var known = Self.incident("Ronin Bridge", source: "defillama", day: "2022-03-23", loss: 600e6, bridge: true,
                                  tags: ["Bridge"], chains: ["Ethereum"])
        known.technique = "Private Key Compromised"
        var news = Self.incident("Ronin", source: "news", day: "2022-03-29", loss: 625e6, bridge: false,
                                 tags: ["bridge", "Hacks"], chains: ["Ronin", "ethereum"])
        news.url = "https://news.example/ronin"
        news.attribution = "Lazarus Group"
        news.technique = "Other"
        let (merged, changed, revised) = correlator.merge(news, into: known)
        #expect(changed && revised && merged.update)
        #expect(merged.id == known.id && merged.source == "defillama" && merged.name == "Ronin Bridge")
        #expect(merged.sources == ["defillama", "news"])
        #expect(merged.loss == Money(usd: 625e6))
        #expect(merged.url == "https://news.example/ronin")
        #expect(merged.attribution == "Lazarus Group")
        #expect(merged.technique == "Private Key Compromised")  // known wins
        #expect(merged.bridge == true)
        #expect(merged.date == known.date)
        #expect(merged.tags == ["Bridge", "Hacks"])
        #expect(merged.chains == ["Ethereum", "Ronin"])
    }

    @Test func smallerLaterLossDoesNotRevise() {
        let known = Self.incident("Nomad", source: "defillama", day: "2022-08-01", loss: 190e6)
        let news = Self.incident("Nomad", source: "news", day: "2022-08-02", loss: 150e6)
        let (merged, changed, revised) = correlator.merge(news, into: known)
        #expect(merged.loss == Money(usd: 190e6))
        #expect(!revised)
        #expect(changed)  // sources gained "news"
        #expect(merged.sources == ["defillama", "news"])
    }

    @Test func identicalReReportChangesNothing() {
        let known = Self.incident("Nomad", source: "defillama", day: "2022-08-01", loss: 190e6)
        var again = known
        again.update = true
        let (merged, changed, revised) = correlator.merge(again, into: known)
        #expect(!changed && !revised && !merged.update)
        #expect(merged == known)
    }

    /// The same record polled again: the feed's current values win, a lower loss included.
    @Test func newerVersionOfSameRecordReplacesValues() {
        var known = Self.incident("Nomad", source: "defillama", id: "x", day: "2022-08-01", loss: 200e6, chains: ["Ethereum"])
        known.technique = "Unknown"
        known.sources = ["defillama", "news"]
        known.attribution = "Lazarus Group"  // added by the news feed
        var newer = Self.incident("Nomad", source: "defillama", id: "x", day: "2022-08-01", loss: 190e6, chains: ["Moonbeam"])
        newer.technique = "Trusted Root Exploit"
        let (merged, changed, up) = correlator.merge(newer, into: known)
        #expect(changed && !up && merged.update)
        #expect(merged.loss == Money(usd: 190e6))
        #expect(merged.technique == "Trusted Root Exploit")
        #expect(merged.attribution == "Lazarus Group")
        #expect(merged.sources == ["defillama", "news"])
        #expect(merged.chains == ["Moonbeam", "Ethereum"])
        var larger = newer
        larger.loss = Money(usd: 250e6)
        #expect(correlator.merge(larger, into: merged).lossRevisedUp)
    }

    @Test func firstKnownLossIsAChangeNotARevision() {
        let known = Self.incident("Nomad", source: "news", day: "2022-08-01")
        let llama = Self.incident("Nomad", source: "defillama", day: "2022-08-01", loss: 190e6, returned: 22e6)
        let (merged, changed, revised) = correlator.merge(llama, into: known)
        #expect(changed && !revised)
        #expect(merged.loss == Money(usd: 190e6) && merged.returned == Money(usd: 22e6))
    }
}

@Suite struct BaselineTests {
    static let now = FeedFixtures.date("2026-05-29T12:00:00Z")
    static let week = TimeSpan(seconds: 7 * 86_400)

    @Test(arguments: [
        ("2026-05-28T12:00:00Z", true, false),   // one day old, first poll: alerts
        ("2026-05-22T12:00:00Z", true, false),   // exactly the baseline: alerts
        ("2026-05-22T11:59:59Z", true, true),    // older than the baseline: silent
        ("2022-03-23T00:00:00Z", true, true),    // history: silent
        ("2022-03-23T00:00:00Z", false, false),  // after the first poll nothing is silent
        ("2026-06-01T00:00:00Z", true, false),   // future-dated: alerts
    ])
    func silentOnlyForOldItemsOfFirstPoll(day: String, firstPoll: Bool, silent: Bool) {
        let incident = Incident(id: "1", source: "f", name: "X", date: FeedFixtures.date(day))
        #expect(Baseline.isSilent(incident, firstPoll: firstPoll, baseline: Self.week, now: Self.now) == silent)
    }

    @Test func undatedIsSilentOnFirstPollOnly() {
        let incident = Incident(id: "1", source: "f", name: "X")
        #expect(Baseline.isSilent(incident, firstPoll: true, baseline: Self.week, now: Self.now))
        #expect(!Baseline.isSilent(incident, firstPoll: false, baseline: Self.week, now: Self.now))
    }

    @Test func zeroBaselineAlertsOnEverything() {
        let old = Incident(id: "1", source: "f", name: "X", date: FeedFixtures.date("2020-01-01"))
        let undated = Incident(id: "2", source: "f", name: "Y")
        #expect(!Baseline.isSilent(old, firstPoll: true, baseline: TimeSpan(seconds: 0), now: Self.now))
        #expect(!Baseline.isSilent(undated, firstPoll: true, baseline: TimeSpan(seconds: 0), now: Self.now))
    }
}
