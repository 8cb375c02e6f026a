import Foundation
import TestSupport
@testable import HackWatchConfiguration
@testable import HackWatchDaemon
@testable import HackWatchModel
@testable import HackWatchRules
@testable import HackWatchStore

/// A real state database in a temp folder and a runtime compiled from rule source.
struct PipelineFixture {
    let dir: URL
    let store: StateStore
    var runtime: DaemonRuntime

    init(rules: String, sinks: [SinkConfig] = [SinkConfig(name: "chat", type: "stdout", isDefault: true)],
         baseline: TimeSpan = TimeSpan(seconds: 7 * 86_400), staleAfter: TimeSpan = TimeSpan(seconds: 3600)) throws {
        dir = try makeTemporaryDirectory("hackwatch-pipeline")
        store = try StateStore(path: StateStore.path(stateDir: dir.path))
        let loaded = RuleLoader.load(sources: [("test.rules", Array(rules.utf8))], sinkNames: sinks.map(\.name))
        guard let ruleSet = loaded.ruleSet else { throw FixtureError(message: loaded.render()) }
        var config = HackWatchConfig(path: dir.appendingPathComponent("config.json").path, stateDir: dir.path, rules: [])
        config.baseline = baseline
        config.feedStaleAfter = staleAfter
        config.sinks = sinks
        runtime = DaemonRuntime(config: config, ruleSet: ruleSet, sinkConfigs: sinks)
    }

    func close() {
        store.close()
        try? FileManager.default.removeItem(at: dir)
    }

    /// Rule names and incident names of the pending outbox rows, with their sinks.
    func outbox() throws -> [String] {
        try store.dueDeliveries(now: Date().addingTimeInterval(3600), limit: 100)
            .map { "\($0.alert.rule):\($0.alert.incident.name)->\($0.sink)" }
    }

    struct FixtureError: Error { var message: String }
}

/// Whole seconds, as feeds and the store keep dates.
let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))

func incident(_ name: String, source: String = "llama", id: String? = nil, daysAgo: Double = 1, loss: Double? = nil) -> Incident {
    Incident(id: id ?? name.lowercased(), source: source, name: name, date: now.addingTimeInterval(-daysAgo * 86_400),
             loss: loss.map { Money(usd: $0) })
}

func feedConfig(_ name: String = "llama", url: String = "file:///dev/null") -> FeedConfig {
    FeedConfig(name: name, url: url, format: .defillama, interval: TimeSpan(seconds: 60))
}
