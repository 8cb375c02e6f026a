import Foundation
import Logging
import Testing
import TestSupport
import HackWatchConfiguration
import HackWatchModel
@testable import HackWatchDaemon
@testable import HackWatchNotify
@testable import HackWatchStore

/// Silences and mute windows between the outbox and a real webhook on loopback (issue 14),
/// with the drain's clock injected.
@Suite(.serialized) struct DeliveryControlsTests {
    final class Setup {
        let folder: URL
        let store: StateStore
        let receiver: LoopbackHTTPServer
        let worker: OutboxWorker

        init(windows: [MuteWindow]) throws {
            folder = try makeTemporaryDirectory("hackwatch-controls")
            store = try StateStore(path: StateStore.path(stateDir: folder.path))
            receiver = try LoopbackHTTPServer()
            let config = SinkConfig(name: "pager", type: "webhook", url: .literal(receiver.url("/hook")))
            let sink = try SinkFactory.make(config, environment: [:])
            let logger = Logger(label: "test")
            worker = OutboxWorker(store: store, sinks: ["pager": sink], logger: logger,
                                  gate: DeliveryControls(store: store, windows: windows, logger: logger))
        }

        func fire(_ id: String, name: String = "Ronin", severity: Severity = .high, rule: String = "big") throws {
            let incident = Incident(id: id, source: "llama", name: name, date: Date(), loss: Money(usd: 5_000_000))
            _ = try store.recordFiring([(Alert(rule: rule, severity: severity, incident: incident), ["pager"])])
        }

        var posted: Int { receiver.requests.filter { $0.method == "POST" }.count }

        deinit {
            store.close()
            receiver.stop()
            try? FileManager.default.removeItem(at: folder)
        }
    }

    /// `hour` o'clock UTC, `days` after today (the drain's clock must lie after the rows were written).
    static func at(days: Int, hour: Int, minute: Int = 0) -> Date {
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        return utc.startOfDay(for: Date()).addingTimeInterval(Double(days * 86_400 + hour * 3600 + minute * 60))
    }

    static func nights(_ mode: MuteWindow.Mode) -> MuteWindow {
        var window = MuteWindow(name: "nights")
        window.mode = mode
        window.below = .critical
        window.times = [MuteWindow.Minutes(start: 22 * 60, end: 24 * 60), MuteWindow.Minutes(start: 0, end: 7 * 60)]
        return window
    }

    /// The issue's example: no pages at night below critical; what is held is sent at 07:00.
    @Test func holdWindowDeliversAtItsEnd() throws {
        let setup = try Setup(windows: [Self.nights(.hold)])
        try setup.fire("a")
        try setup.fire("b", severity: .critical)
        let night = Self.at(days: 1, hour: 23)
        let stats = setup.worker.drain(now: night)
        #expect(stats.held == 1 && stats.delivered == 1)  // the critical one goes at once
        #expect(setup.posted == 1)
        let held = try setup.store.recentOutbox(status: "held", limit: 5)
        #expect(held.map(\.delivery.nextAttempt) == [Self.at(days: 2, hour: 7)])
        #expect(held.map(\.silenceID) == ["window:nights"])

        #expect(setup.worker.drain(now: Self.at(days: 2, hour: 6, minute: 59)).delivered == 0)
        #expect(setup.posted == 1)
        let morning = setup.worker.drain(now: Self.at(days: 2, hour: 7))
        #expect(morning.delivered == 1 && morning.held == 0)
        #expect(setup.posted == 2)
        #expect(try setup.store.outboxCounts() == OutboxCounts(delivered: 2))
    }

    @Test func muteWindowRecordsWithoutSending() throws {
        let setup = try Setup(windows: [Self.nights(.mute)])
        try setup.fire("a")
        #expect(setup.worker.drain(now: Self.at(days: 1, hour: 23)).silenced == 1)
        #expect(try setup.store.recentOutbox(status: "silenced", limit: 5).map(\.silenceID) == ["window:nights"])
        // A muted delivery is not sent when the window ends.
        #expect(setup.worker.drain(now: Self.at(days: 2, hour: 8)).delivered == 0)
        #expect(setup.posted == 0)
    }

    /// A silence is read at each drain: added between two drains, it applies to the second.
    @Test func silenceAppliesFromTheNextDrainAndOnlyToWhatItMatches() throws {
        let setup = try Setup(windows: [])
        let now = Date()
        try setup.store.addSilence(StoredSilence(id: "s1", match: #"name contains "bridge""#, sink: nil, comment: "known",
                                                 createdBy: "test", createdAt: now, startsAt: now, endsAt: now.addingTimeInterval(3600)))
        try setup.store.addSilence(StoredSilence(id: "s2", match: "loss > $1M", sink: "other", comment: "other sink only",
                                                 createdBy: "test", createdAt: now, startsAt: now, endsAt: now.addingTimeInterval(3600)))
        try setup.fire("a", name: "Ronin Bridge")
        try setup.fire("b", name: "Curve")
        let stats = setup.worker.drain(now: now.addingTimeInterval(1))
        #expect(stats.silenced == 1 && stats.delivered == 1)
        #expect(try setup.store.recentOutbox(status: "silenced", limit: 5).map(\.silenceID) == ["s1"])
        // Expired: the next match is delivered; the silenced one stays silenced until released.
        _ = try setup.store.expireSilence("s1", at: now, release: false)
        try setup.fire("c", name: "Wormhole Bridge")
        #expect(setup.worker.drain(now: now.addingTimeInterval(2)).delivered == 1)
        #expect(try setup.store.outboxCounts() == OutboxCounts(delivered: 2, silenced: 1))
        #expect(try setup.store.expireSilence("s1", at: now.addingTimeInterval(2), release: true) == 1)
        #expect(setup.worker.drain(now: now.addingTimeInterval(3)).delivered == 1)
        #expect(setup.posted == 3)
    }

    /// A silence whose stored condition no longer compiles matches nothing (and says so).
    @Test func brokenStoredSilenceMatchesNothing() throws {
        let setup = try Setup(windows: [])
        let now = Date()
        try setup.store.addSilence(StoredSilence(id: "bad", match: "los > 1", sink: nil, comment: "hand-edited",
                                                 createdBy: "test", createdAt: now, startsAt: now, endsAt: now.addingTimeInterval(60)))
        try setup.fire("a")
        #expect(setup.worker.drain(now: now.addingTimeInterval(1)).delivered == 1)
    }

    @Test func unknownRuleInAWindowIsAConfigError() {
        var window = MuteWindow(name: "w")
        window.rules = ["big", "bgi"]
        var config = HackWatchConfig(path: "/etc/hackwatch/config.json", stateDir: "/tmp", rules: [])
        config.timeIntervals = [window]
        let error = DaemonRuntime.unknownWindowRules(config, ruleNames: ["big"])
        #expect(error?.description == "/etc/hackwatch/config.json: $.time_intervals[0].rules[1]: unknown rule 'bgi' (no rules file defines it)")
    }
}
