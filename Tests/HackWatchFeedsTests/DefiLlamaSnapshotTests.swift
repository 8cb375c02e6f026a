import Foundation
import Testing
@testable import HackWatchFeeds
@testable import HackWatchModel

/// End to end on the real DefiLlama snapshot in ../shared/feeds (read at test time, never copied
/// into the repository). Skipped, with the reason shown, when the shared folder is absent.
@Suite(.enabled(if: FeedFixtures.defiLlamaSnapshot != nil,
                "shared/feeds/defillama snapshot not found (set HACKWATCH_SHARED or place shared/ beside the repo)"))
struct DefiLlamaSnapshotTests {
    static let config = FeedFixtures.config(.defillama, name: "defillama")

    static func parse(_ bytes: [UInt8]) throws -> FeedParseResult {
        try FeedParser.parse(bytes, config: config)
    }

    let bytes = FeedFixtures.defiLlamaSnapshot ?? []

    func find(_ incidents: [Incident], _ name: String, _ day: String) throws -> Incident {
        try #require(incidents.first { $0.name == name && $0.date == FeedFixtures.date(day) })
    }

    @Test func knownIncidentsAreMappedRight() throws {
        let result = try Self.parse(bytes)
        #expect(result.warnings.isEmpty)
        #expect(result.incidents.count == 538)
        let ronin = try find(result.incidents, "Ronin Bridge", "2022-03-23")
        #expect(ronin.loss == Money(usd: 624e6) && ronin.bridge == true)
        #expect(ronin.chains == ["Ethereum"] && ronin.technique == "Private Key Compromised (Social Engineering)")
        let nomad = try find(result.incidents, "Nomad", "2022-08-01")
        #expect(nomad.loss == Money(usd: 190e6) && nomad.bridge == true)
        // "Portal" is DefiLlama's name for the Wormhole bridge hack.
        let portal = try find(result.incidents, "Portal", "2022-02-02")
        #expect(portal.loss == Money(usd: 326e6) && portal.returned == Money(usd: 326e6) && portal.bridge == true)
        let bybit = try find(result.incidents, "Bybit", "2025-02-21")
        #expect(bybit.target == "CEX" && bybit.bridge == false)
        let euler = try find(result.incidents, "Euler V1", "2023-03-13")
        #expect(euler.returned == Money(usd: 240e6) && euler.netLoss == Money(usd: -43e6))
        // The later, smaller Ronin incident (2024) is a separate incident with its own id.
        let ronin2024 = try find(result.incidents, "Ronin Bridge", "2024-08-06")
        #expect(ronin2024.id != ronin.id && ronin2024.loss == Money(usd: 12e6))
        #expect(result.incidents.allSatisfy { $0.name == $0.name.trimmingCharacters(in: .whitespacesAndNewlines) && !$0.name.isEmpty })
        #expect(result.incidents.allSatisfy { $0.date != nil && $0.source == "defillama" && $0.sources == ["defillama"] })
        #expect(result.incidents.filter { $0.loss == nil }.count == 9)
    }

    /// Ids are unique (same-name-same-day rows included), the same across two parses (restarts),
    /// and independent of record order (DefiLlama's array is unsorted and grows).
    @Test func idsAreUniqueAndStable() throws {
        let first = try Self.parse(bytes)
        let second = try Self.parse(bytes)
        #expect(Set(first.incidents.map(\.id)).count == 538)
        #expect(first.incidents.map(\.id) == second.incidents.map(\.id))
        #expect(first.incidents == second.incidents)

        guard case .array(let records) = try JSONValue.parse(bytes, options: .feed) else { Issue.record("not an array"); return }
        let reversed = try Self.parse(Array(JSONValue.array(records.reversed()).serialized().utf8))
        func byID(_ result: FeedParseResult) -> [String: Incident] {
            Dictionary(uniqueKeysWithValues: result.incidents.map { ($0.id, $0) })
        }
        #expect(byID(reversed) == byID(first))

        // A new record appended later does not disturb the ids already known.
        let grown = try Self.parse(Array(JSONValue.array(records + [.object([
            "date": .number(1780000000), "name": .string("Newly Hacked"), "amount": .number(5e6),
        ])]).serialized().utf8))
        #expect(Set(grown.incidents.map(\.id)).isSuperset(of: first.incidents.map(\.id)))
        #expect(grown.incidents.count == 539)
    }

    /// A news report of Ronin correlates with DefiLlama's record and revises nothing down.
    @Test func newsReportCorrelatesWithSnapshot() throws {
        let llama = try Self.parse(bytes).incidents
        let rss = """
        <rss version="2.0"><channel><title>n</title>
        <item><title>Ronin Network hacked: $625 million stolen</title><guid>n-1</guid>
        <pubDate>Tue, 29 Mar 2022 14:00:00 GMT</pubDate><description>Lazarus Group blamed.</description></item>
        <item><title>Wormhole bridge exploited for $320M</title><guid>n-2</guid>
        <pubDate>Thu, 03 Feb 2022 09:00:00 GMT</pubDate></item>
        </channel></rss>
        """
        let news = try FeedFixtures.parse(rss, .rss, name: "news").incidents
        let correlator = Correlator()
        let ronin = try #require(correlator.match(news[0], among: llama))
        #expect(ronin.name == "Ronin Bridge" && ronin.date == FeedFixtures.date("2022-03-23"))
        let (merged, changed, revised) = correlator.merge(news[0], into: ronin)
        #expect(changed && revised)
        #expect(merged.sources == ["defillama", "news"] && merged.loss == Money(usd: 625e6))
        #expect(merged.attribution == "Lazarus Group" && merged.update)
        // Wormhole is "Portal" at DefiLlama (a built-in alias).
        let portal = try #require(correlator.match(news[1], among: llama))
        #expect(portal.name == "Portal" && portal.date == FeedFixtures.date("2022-02-02"))
        #expect(correlator.merge(news[1], into: portal).lossRevisedUp == false)
    }

    /// First poll on the snapshot's day with a 7-day baseline: only the last week alerts.
    @Test func baselineSilencesHistory() throws {
        let incidents = try Self.parse(bytes).incidents
        let now = FeedFixtures.date("2026-05-29T12:00:00Z")
        let week = TimeSpan(seconds: 7 * 86_400)
        let loud = incidents.filter { !Baseline.isSilent($0, firstPoll: true, baseline: week, now: now) }
        #expect(loud.allSatisfy { now.timeIntervalSince($0.date!) <= week.seconds })
        #expect(loud.count < 10)
        #expect(incidents.filter { !Baseline.isSilent($0, firstPoll: false, baseline: week, now: now) }.count == 538)
    }
}
