import Foundation
import Testing
@testable import HackWatchConfiguration
@testable import HackWatchDaemon
@testable import HackWatchModel
@testable import HackWatchStore

/// A re-poll in which a few records changed costs what those records cost (issue 19): the
/// correlation candidates are other feeds' reports near the changed records' dates, never the
/// feed's own rows (a re-poll with 11 of 53,800 records changed read and decoded the whole
/// incidents table once per chunk: 10.2 s).
@Suite struct IngestChangedRepollTests {
    static let rules = "rule big {\n    when loss >= $100M\n}\n"

    /// The feed's other stored rows are not read: one of them made unreadable does not fail a
    /// poll in which another record changed (it did, when every row since the batch's earliest
    /// date was decoded to correlate the changed one).
    @Test func changedRecordReadsNoneOfTheFeedsOtherRows() throws {
        let fixture = try PipelineFixture(rules: Self.rules)
        defer { fixture.close() }
        let pipeline = IncidentPipeline(store: fixture.store)
        var batch = [incident("Old", daysAgo: 30, loss: 1), incident("Tiny", loss: 10)]
        func poll(_ firstPoll: Bool) throws -> PipelineStats {
            try pipeline.process(batch, feed: feedConfig(), firstPoll: firstPoll, runtime: fixture.runtime, now: now,
                                 knownHashes: try fixture.store.incidentHashes(source: "llama"))
        }
        _ = try poll(true)
        try fixture.store.db.execute("UPDATE incidents SET payload = '{' WHERE id = 'old'")
        batch[1].loss = Money(usd: 200e6)
        let changed = try poll(false)
        #expect(changed.unchanged == 1 && changed.changed == 1)
        #expect(changed.alerts.map(\.incident.name) == ["Tiny"])
    }

    /// Another feed's report of the same hack is still found for a changed record, also when
    /// the batch's other records are weeks older or newer.
    @Test func changedRecordStillCorrelatesWithAnotherFeedsReport() throws {
        let fixture = try PipelineFixture(rules: Self.rules)
        defer { fixture.close() }
        let pipeline = IncidentPipeline(store: fixture.store)
        var batch = [incident("Ronin Bridge", daysAgo: 2, loss: 10), incident("Ancient", daysAgo: 300, loss: 1),
                     incident("Fresh", daysAgo: 0, loss: 1)]
        func poll() throws -> PipelineStats {
            try pipeline.process(batch, feed: feedConfig(), firstPoll: false, runtime: fixture.runtime, now: now,
                                 knownHashes: try fixture.store.incidentHashes(source: "llama"))
        }
        _ = try poll()
        // Reported by another feed after llama's first poll (the losses disagree: no match yet).
        _ = try pipeline.process([incident("Ronin Bridge", source: "rekt", daysAgo: 2, loss: 600e6)], feed: feedConfig("rekt"),
                                 firstPoll: false, runtime: fixture.runtime, now: now)
        #expect(try fixture.store.incident(source: "rekt", id: "ronin bridge")?.sources == ["rekt"])
        batch[0].loss = Money(usd: 610e6)
        let changed = try poll()
        #expect(changed.changed == 1 && changed.unchanged == 2)
        // Merged into rekt's report: that incident's story, not a second top-level alert.
        #expect(try fixture.store.incident(source: "rekt", id: "ronin bridge")?.sources == ["rekt", "llama"])
        #expect(try fixture.outbox().first == "big:Ronin Bridge->chat")
        #expect(changed.alerts.allSatisfy { $0.incident.source == "rekt" })
    }
}
