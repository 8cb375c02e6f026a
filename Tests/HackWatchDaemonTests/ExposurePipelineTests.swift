import Foundation
import Testing
@testable import HackWatchConfiguration
@testable import HackWatchDaemon
@testable import HackWatchFeeds
@testable import HackWatchModel

/// The pipeline applies the overlays before rules and routes to the owner's sink.
@Suite struct ExposurePipelineTests {
    static let rules = """
        rule we_are_exposed {
            when     exposed
            severity critical
        }
        rule dprk {
            when     attribution contains "lazarus"
            severity high
            notify   chat
        }
        """

    @Test func exposedIncidentsFireAndReachTheOwnersSink() throws {
        let sinks = [SinkConfig(name: "chat", type: "stdout", isDefault: true), SinkConfig(name: "treasury", type: "stdout"),
                     SinkConfig(name: "pager", type: "stdout", minSeverity: .critical)]
        let fixture = try PipelineFixture(rules: Self.rules, sinks: sinks)
        defer { fixture.close() }
        var runtime = fixture.runtime
        var attribution = AttributionOverlay()
        attribution.names = ["ronin": "Lazarus Group"]
        runtime.overlays = ExposureOverlays(entries: [
            ExposureEntry(name: "Wormhole", aliases: ["Portal"], kind: .bridge, holdingsUSD: Money(usd: 1e6), owner: "treasury"),
            ExposureEntry(name: "Ronin", kind: .chain, owner: "nobody-sink"),
        ], attribution: attribution)
        let pipeline = IncidentPipeline(store: fixture.store)
        let batch = [incident("Portal", loss: 326e6), incident("Ronin Bridge", loss: 624e6), incident("Unrelated", loss: 5e6)]
        let stats = try pipeline.process(batch, feed: feedConfig(), firstPoll: false, runtime: runtime, now: now)
        // One story per incident per destination (main's stories): on Ronin Bridge the critical
        // we_are_exposed leads the chat alert that dprk (attribution from the overlay) also matched.
        #expect(stats.alerts.map { "\($0.rule):\($0.incident.name)" }.sorted()
            == ["we_are_exposed:Portal", "we_are_exposed:Ronin Bridge"])
        #expect(try fixture.outbox().sorted() == [
            "we_are_exposed:Portal->chat", "we_are_exposed:Portal->treasury",
            "we_are_exposed:Ronin Bridge->chat",
        ])
        let ronin = try #require(stats.alerts.first { $0.incident.name == "Ronin Bridge" })
        #expect(ronin.rules.sorted() == ["dprk", "we_are_exposed"] && ronin.incident.attribution == "Lazarus Group")
        let portal = try #require(stats.alerts.first { $0.incident.name == "Portal" })
        #expect(portal.incident.exposure == ["Wormhole"] && portal.incident.exposureOwner == "treasury")
        // What is stored is the feed's record: the overlays are applied per evaluation.
        #expect(try fixture.store.incident(source: "llama", id: "portal")?.exposure == [])
    }
}
