import Foundation
import Testing
@testable import HackWatchFeeds
@testable import HackWatchModel

/// Real name pairs from the snapshots in ../shared/feeds: rekt.news leaderboard titles (with
/// their publication day) and BlockSec project names against DefiLlama's names and days.
@Suite struct CorrelatorRenameTests {
    let correlator = Correlator()

    @Test(arguments: [
        // (rekt / BlockSec name, its day, DefiLlama name, DefiLlama day, loss)
        ("Ronin Network - REKT", "2022-03-29", "Ronin Bridge", "2022-03-23", 624e6),
        ("ByBit - Rekt", "2025-02-22", "Bybit", "2025-02-21", 1.4e9),
        ("Bybit", "2025-02-21", "Bybit", "2025-02-21", 1.46e9),
        ("Wormhole - REKT", "2022-02-03", "Portal", "2022-02-02", 326e6),
        ("BNB Bridge - REKT", "2022-10-07", "Binance Bridge", "2022-10-06", 586e6),
        ("Nomad Bridge - REKT", "2022-08-02", "Nomad", "2022-08-01", 190e6),
        ("Euler Finance - REKT", "2023-03-14", "Euler V1", "2023-03-13", 197e6),
        ("Wintermute - REKT 2", "2022-09-20", "Wintermute", "2022-09-20", 162e6),
        ("Balancer - Rekt II", "2025-11-14", "Balancer V2", "2025-11-03", 128e6),
        ("Multichain - REKT 2", "2023-07-07", "Multichain", "2023-07-06", 126e6),
        ("KelpDao - Rekt", "2026-04-24", "Kelp", "2026-04-18", 290e6),
        ("WazirX - Rekt", "2024-07-18", "WazirX: India", "2024-07-18", 235e6),
        ("Cetus - Rekt", "2025-05-23", "Cetus CLMM", "2025-05-22", 223e6),
        ("Cream Finance - REKT 2", "2021-10-28", "CREAM Lending", "2021-10-27", 130e6),
        ("Mango Markets - REKT", "2022-10-12", "Mango Markets V3", "2022-10-11", 115e6),
        ("HECO Bridge, HTX - REKT", "2023-11-22", "Heco Bridge", "2023-11-22", 99e6),
        ("Curve, Vyper - REKT", "2023-07-31", "Curve DEX", "2023-07-30", 69e6),
        ("Ascendex - REKT", "2021-12-12", "AscenDEX", "2021-12-12", 77e6),
        ("BitMart - REKT", "2021-12-05", "Bitmart", "2021-12-04", 196e6),
    ])
    func lateRenamedReportFindsTheHack(reported: String, reportedDay: String, known: String, knownDay: String, loss: Double) {
        let llama = Incident(id: "l", source: "defillama", name: known, date: FeedFixtures.date(knownDay), loss: Money(usd: loss))
        let late = Incident(id: "r", source: "rekt", name: reported, date: FeedFixtures.date(reportedDay), loss: Money(usd: loss))
        #expect(correlator.match(late, among: [llama]) == llama, "\(reported) should match \(known)")
    }

    @Test(arguments: [
        ("Ronin Network - REKT", "ronin"), ("ByBit - Rekt", "bybit"), ("Wintermute - REKT 2", "wintermute"),
        ("Balancer - Rekt II", "balancer"), ("SBF - MASK OFF", "sbfmaskoff"), ("Rekt", "rekt"),
    ])
    func rektSuffixesAreDropped(name: String, key: String) {
        #expect(correlator.normalisedName(name) == key)
    }

    /// Different hacks of one project stay apart: rekt's second Ronin article is not 2022's.
    @Test func sameNameFarApartDoesNotMatch() {
        let llama = Incident(id: "l", source: "defillama", name: "Ronin Bridge", date: FeedFixtures.date("2022-03-23"),
                             loss: Money(usd: 624e6))
        let later = Incident(id: "r", source: "rekt", name: "Ronin - REKT 2", date: FeedFixtures.date("2024-08-07"),
                             loss: Money(usd: 12e6))
        #expect(correlator.match(later, among: [llama]) == nil)
    }
}
