import Foundation
import Testing
@testable import HackWatchConfiguration
@testable import HackWatchFeeds
@testable import HackWatchModel

/// The JSON presets on the real saved bodies in ../shared/feeds (read at test time, never copied
/// into the repository). Skipped, with the reason shown, when the shared folder is absent.
@Suite(.enabled(if: FeedFixtures.sharedFeeds != nil,
                "shared/feeds not found (set HACKWATCH_SHARED or place shared/ beside the repo)"))
struct PresetSnapshotTests {
    @Test func blocksecAttackEvents() throws {
        let bytes = try #require(FeedFixtures.shared("blocksec/blocksec_attack_events_all.json"))
        let result = try FeedParser.parse(bytes, config: PresetTests.feed("blocksec"))
        #expect(result.warnings == [])
        #expect(result.incidents.count == 285)
        let stablr = try #require(result.incidents.first { $0.id == "597" })
        #expect(stablr.name == "StablR" && stablr.loss == Money(usd: 12_800_000) && stablr.chains == ["Ethereum"])
        #expect(stablr.addresses == ["0x044Dd988e68902c5D6D24Fe2054CbB2445Bd1E12"])
        // Every record is dated (ms) and most name their chains by name once mapped.
        #expect(result.incidents.allSatisfy { $0.date != nil })
        let named = result.incidents.flatMap(\.chains).filter { Int($0) == nil }.count
        #expect(named * 10 >= result.incidents.flatMap(\.chains).count * 9)
    }

    @Test func defihacklabsIncidents() throws {
        let bytes = try #require(FeedFixtures.shared("defihacklabs/incident-explorer_incidents.json"))
        let result = try FeedParser.parse(bytes, config: PresetTests.feed("defihacklabs"))
        #expect(result.incidents.allSatisfy { $0.date != nil })
        // Only the 725 rows counted in USD carry a loss (rows with the same name and day merge).
        let withLoss = result.incidents.filter { $0.loss != nil }.count
        #expect(withLoss > 600 && withLoss <= 725)
        #expect(result.incidents.first { $0.name == "Nereus" }?.loss == Money(usd: 23_760))
        #expect(result.incidents.first { $0.name == "ZKPanther" }?.loss == nil)
    }

    /// The rekt mapping and transforms on the leaderboard's extracted `__NEXT_DATA__` JSON.
    @Test func rektLeaderboardJSON() throws {
        let bytes = try #require(FeedFixtures.shared("rekt/DERIVED_leaderboard_next_data.json"))
        var feed = try PresetTests.feed("rekt")
        feed.extract = nil  // already extracted
        let result = try FeedParser.parse(bytes, config: feed)
        #expect(result.incidents.count == 297)
        let bybit = try #require(result.incidents.first { $0.id == "bybit-rekt" })
        #expect(bybit.name == "ByBit" && bybit.loss == Money(usd: 1_436_173_027))
        #expect(bybit.date == Incident.parseDate("2025-02-21") && bybit.attribution == "Lazarus Group")
        #expect(bybit.url == "https://rekt.news/bybit-rekt")
        // No name keeps rekt's title suffix.
        let suffixed = result.incidents.filter { $0.name.lowercased().hasSuffix("rekt") }.map(\.name)
        #expect(suffixed == [])
    }
}
