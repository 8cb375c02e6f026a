import Foundation
import Testing
@testable import HackWatchFeeds

@Suite struct IncidentIdentityTests {
    static func record(_ name: String, _ date: Int, _ amount: Int?, technique: String = "T") -> String {
        #"{"date":\#(date),"name":"\#(name)","amount":\#(amount.map(String.init) ?? "null"),"technique":"\#(technique)"}"#
    }

    static func ids(_ records: [String]) throws -> [String: String] {
        let result = try FeedFixtures.parse("[" + records.joined(separator: ",") + "]", .defillama)
        #expect(Set(result.incidents.map(\.id)).count == result.incidents.count)
        return Dictionary(uniqueKeysWithValues: result.incidents.map { ("\($0.name)/\($0.loss?.usd ?? -1)/\($0.technique ?? "")/\($0.date!.timeIntervalSince1970)", $0.id) })
    }

    @Test func sameNameAndDayAreDisambiguatedByAmountIndependentOfOrder() throws {
        let mirrorSmall = Self.record("Mirror", 1633651200, 2_000_000)
        let mirrorBig = Self.record("Mirror", 1633651200, 90_000_000)
        let other = Self.record("Other", 1633651200, 1)
        let forward = try Self.ids([mirrorSmall, mirrorBig, other])
        let backward = try Self.ids([other, mirrorBig, mirrorSmall])
        #expect(forward == backward)
        // The largest keeps the id a lone record would have: adding the smaller one later changes nothing.
        let alone = try Self.ids([mirrorBig])
        #expect(alone.values.first == forward["Mirror/90000000.0/T/1633651200.0"])
    }

    @Test func unrelatedInsertionKeepsIds() throws {
        let base = [Self.record("A", 86_400, 5), Self.record("B", 86_400 * 2, nil), Self.record("A", 86_400 * 3, 5)]
        let before = try Self.ids(base)
        let after = try Self.ids([Self.record("C", 86_400, 9)] + base.reversed())
        for (key, id) in before { #expect(after[key] == id) }
    }

    @Test func lossRevisionKeepsId() throws {
        let before = try Self.ids([Self.record("Nomad", 1659312000, 152_000_000)])
        let after = try Self.ids([Self.record("Nomad", 1659312000, 190_000_000)])
        #expect(before.values.first == after.values.first)
    }

    @Test func equalAmountsFallBackToTechniqueThenIndex() throws {
        let chained = #"{"date":0,"name":"X","amount":null,"technique":"c","chain":["Other"]}"#
        let records = [
            Self.record("X", 0, 1, technique: "b"), Self.record("X", 0, 1, technique: "a"),
            Self.record("X", 0, nil, technique: "c"), chained,
        ]
        let first = try FeedFixtures.parse("[" + records.joined(separator: ",") + "]", .defillama)
        let ids = first.incidents.map(\.id)
        #expect(Set(ids).count == 4)
        let swapped = try FeedFixtures.parse("[" + [records[1], records[0], records[2], records[3]].joined(separator: ",") + "]", .defillama)
        #expect(swapped.incidents.map(\.id) == [ids[1], ids[0], ids[2], ids[3]])
    }

    @Test func identicalRecordsCollapseWithWarning() throws {
        let record = Self.record("X", 0, 1)
        let result = try FeedFixtures.parse("[\(record),\(record)]", .defillama, name: "f")
        #expect(result.incidents.count == 1)
        #expect(result.warnings == ["f: record 1 skipped: identical to record 0"])
    }

    @Test func nameNormalisation() {
        #expect(IncidentIdentity.baseKey(name: "  Peapods  Finance\n", date: nil) == "peapods finance|nodate")
        #expect(IncidentIdentity.baseKey(name: "Crème", date: Date(timeIntervalSince1970: 0)) == "creme|1970-01-01")
        #expect(IncidentIdentity.dayString(Date(timeIntervalSince1970: 1740096000)) == "2025-02-21")
        #expect(IncidentIdentity.dayString(Date(timeIntervalSince1970: -1)) == "1969-12-31")
    }

    /// Ids are keys in the state database: they must not change between versions either. Pinned
    /// to FNV-1a 64 reference values and to one real record's id.
    @Test func idsArePinnedAcrossVersions() throws {
        #expect(IncidentIdentity.hash("") == "cbf29ce484222325")
        #expect(IncidentIdentity.hash("a") == "af63dc4c8601ec8c")
        #expect(IncidentIdentity.baseKey(name: " Ronin  BRIDGE ", date: FeedFixtures.date("2022-03-23T13:00:00Z")) == "ronin bridge|2022-03-23")
        #expect(IncidentIdentity.baseKey(name: "Crème", date: nil) == "creme|nodate")
        let ronin = try FeedFixtures.parse(#"[{"date":1647993600,"name":"Ronin Bridge","amount":624000000}]"#, .defillama)
        #expect(ronin.incidents.first?.id == "c5e607105d747eb0")
    }

    /// Every tie-breaking step pinned on one fixture, in feed order and reversed: a bigger
    /// same-day record, an equal amount told apart by technique, a null amount, an exact tie
    /// left to the index, and lone records. These ids are keys in every existing state
    /// database; a change here re-alerts everything after an upgrade.
    @Test func tiedIdsArePinned() throws {
        let records = [
            Self.record("Mirror", 1633651200, 2_000_000, technique: "Oracle"),
            Self.record("Mirror", 1633651200, 90_000_000),
            Self.record("Mirror", 1633651200 + 3600, 2_000_000, technique: "Flash loan"),
            Self.record("Merlin", 1622000000, nil),
            Self.record("Merlin", 1622000000, 680_000),
            #"{"date":0,"name":"X","amount":1,"technique":"T","chain":["A"]}"#,
            #"{"date":0,"name":"X","amount":1,"technique":"T","chain":["B"]}"#,
            #"{"date":0,"name":"X","amount":1,"technique":"T","chain":["C"]}"#,
            Self.record("Ronin Bridge", 1647993600, 624_000_000),
            Self.record("Crème", 1700000000, nil),
        ]
        // Ids written by the release build before the compact identity pass (main's, read from its database).
        let pinned = [
            "f69045941a54c0dd", "67d79ba5087a66d4", "e889195968ebb723", "82c97017e9a6edff", "84b0a8d3d26314d6",
            "4196bb3a04228ed4", "e6a63db373033965", "c8c7abbfb956fcbe", "c5e607105d747eb0", "2506f5d2e8116b73",
        ]
        let forward = try FeedFixtures.parse("[" + records.joined(separator: ",") + "]", .defillama)
        #expect(forward.incidents.map(\.id) == pinned)
        // Ids do not depend on feed order, except the exact tie's index (feed order among equals).
        let reversed = try FeedFixtures.parse("[" + records.reversed().joined(separator: ",") + "]", .defillama)
        let exactTie = Set(pinned[5...7])
        #expect(Array(reversed.incidents.map(\.id).reversed()).filter { !exactTie.contains($0) } == pinned.filter { !exactTie.contains($0) })
        #expect(Set(reversed.incidents.map(\.id)) == Set(pinned))
    }
}
