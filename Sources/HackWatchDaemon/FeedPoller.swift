import Foundation
import Logging
import HackWatchConfiguration
import HackWatchFeeds
import HackWatchModel
import HackWatchStore

/// The outcome of polling one feed once.
package struct PollReport: Sendable {
    /// For the scheduler's backoff.
    package var result: PollResult
    /// What the incidents produced (empty on failure or 304).
    package var stats: PipelineStats
    /// The failure, secret-free.
    package var error: String?
    /// The server answered 304 Not Modified.
    package var notModified: Bool
}

/// Polls one feed: conditional GET with the stored validators, the incident pipeline, the feed's
/// counters and health (one alert when failing longer than `feed_stale_after`, one recovery).
/// Called on the feed's own queue; state shared between feeds lives in the store and behind a lock.
package final class FeedPoller: @unchecked Sendable {
    let store: any StateStoring
    private let fetcher: FeedFetcher
    private let pipeline: IncidentPipeline
    let logger: Logger
    private let lock = NSLock()
    private var health: [String: FeedHealth] = [:]
    /// Feeds fetch in parallel but process one at a time: two feeds reporting the same hack at
    /// once must see each other's record, or both would alert. Fair, so a big feed's chunks
    /// take turns with the other feeds (`FairLock`).
    private let processing = FairLock()
    var processingLock: FairLock { processing }

    /// Incidents processed per hold of the correlation lock.
    static let chunkSize = 2_000
    /// The first chunk is smaller: its alerts commit, and the outbox is woken, within a few
    /// milliseconds of the fetch whatever the feed's size.
    static let firstChunkSize = 200

    /// A poller writing to `store`.
    package init(store: any StateStoring, fetcher: FeedFetcher = FeedFetcher(), logger: Logger) {
        self.store = store
        self.fetcher = fetcher
        self.pipeline = IncidentPipeline(store: store)
        self.logger = logger
    }

    /// Polls `feed` once under `runtime`. With `dryRun` the store is only read. `committed` is
    /// called after each chunk that put alerts in the outbox (the daemon wakes the outbox
    /// worker there, so the first alerts leave while the rest of a big feed is processed).
    package func poll(_ feed: FeedConfig, runtime: DaemonRuntime, now: Date = Date(), dryRun: Bool = false,
                      committed: () -> Void = {}) -> PollReport {
        var state: FeedState
        do {
            state = try store.feedState(feed.name) ?? FeedState(feed: feed.name)
        } catch {
            logger.error("cannot read feed state", metadata: ["feed": "\(feed.name)", "error": "\(error)"])
            return PollReport(result: .failed, stats: PipelineStats(), error: "\(error)", notModified: false)
        }
        state.polls += 1
        state.lastAttempt = now
        let previousSuccess = state.lastSuccess
        var report: PollReport
        do throws(FeedFetchError) {
            // The body hash is only trusted once a poll processed that body in full.
            let previousHash = state.firstPollDone ? state.bodyHash : nil
            switch try fetcher.fetch(feed, validators: state.validators, previousBodyHash: previousHash) {
            case .notModified:
                logger.debug("feed not modified", metadata: ["feed": "\(feed.name)"])
                report = PollReport(result: .succeeded, stats: PipelineStats(), error: nil, notModified: true)
            case .fetched(let parsed, let validators, let bytes):
                for warning in parsed.warnings {
                    logger.warning("feed parse warning", metadata: ["feed": "\(feed.name)", "reason": "\(warning)"])
                }
                if parsed.bodyUnchanged {
                    // Same bytes as the last body processed in full: every record is known as is.
                    state.validators = validators.isEmpty ? nil : validators
                    logger.info("feed polled", metadata: [
                        "feed": "\(feed.name)", "bytes": "\(bytes)", "body": "unchanged",
                    ])
                    report = PollReport(result: .succeeded, stats: PipelineStats(), error: nil, notModified: false)
                } else {
                    do {
                        var stats = try process(parsed.incidents, feed: feed, firstPoll: !state.firstPollDone, runtime: runtime,
                                                now: now, dryRun: dryRun, committed: committed)
                        state.validators = validators.isEmpty ? nil : validators
                        state.firstPollDone = true
                        if !dryRun { state.bodyHash = parsed.bodyHash }
                        logger.info("feed polled", metadata: [
                            "feed": "\(feed.name)", "bytes": "\(bytes)", "incidents": "\(parsed.incidents.count)",
                            "new": "\(stats.new)", "changed": "\(stats.changed)", "unchanged": "\(stats.unchanged)",
                            "baselined": "\(stats.baselined)", "alerts": "\(stats.alerts.count)",
                        ])
                        // New or changed incidents can start an aggregate's episode.
                        if !dryRun, stats.new + stats.changed > 0 {
                            stats.alerts += evaluateAggregates(runtime: runtime, now: now)
                        }
                        report = PollReport(result: .succeeded, stats: stats, error: nil, notModified: false)
                    } catch {
                        // The store failed mid-way: keep the old validators (and body hash) so the
                        // next poll refetches and processes the body again.
                        report = PollReport(result: .failed, stats: PipelineStats(), error: "\(error)", notModified: false)
                    }
                }
            }
        } catch {
            report = PollReport(result: .failed, stats: PipelineStats(), error: "\(error)", notModified: false)
        }
        if let error = report.error {
            state.failures += 1
            state.consecutiveFailures += 1
            state.lastError = error
            logger.warning("feed poll failed", metadata: [
                "feed": "\(feed.name)", "error": "\(error)", "consecutive_failures": "\(state.consecutiveFailures)",
            ])
        } else {
            state.consecutiveFailures = 0
            state.lastSuccess = now
            state.lastError = nil
        }
        if !dryRun {
            let healthAlerts = updateHealth(&state, feed: feed, runtime: runtime, now: now, previousSuccess: previousSuccess)
            report.stats.alerts += healthAlerts
            do {
                try store.saveFeedState(state)
            } catch {
                logger.error("cannot save feed state", metadata: ["feed": "\(feed.name)", "error": "\(error)"])
            }
        }
        return report
    }

    /// Runs the pipeline over `incidents` in chunks. The correlation lock is taken per chunk,
    /// not for the whole poll: a feed of 283k records would otherwise stall every other feed for
    /// its whole first poll. Each chunk commits its alerts and incidents before the lock is
    /// released, so a concurrent feed still sees every record processed so far. The feed's ids
    /// and content hashes are read once per poll: only this feed's poll adds rows of its source.
    private func process(_ incidents: [Incident], feed: FeedConfig, firstPoll: Bool, runtime: DaemonRuntime, now: Date,
                         dryRun: Bool, committed: () -> Void) throws(StoreError) -> PipelineStats {
        let knownHashes = try store.incidentHashes(source: feed.name)
        var stats = PipelineStats()
        var start = incidents.startIndex
        repeat {
            let size = start == incidents.startIndex ? Self.firstChunkSize : Self.chunkSize
            let end = min(start + size, incidents.endIndex)
            let chunk = try processing.withLock { () throws(StoreError) -> PipelineStats in
                try pipeline.process(incidents[start..<end], feed: feed, firstPoll: firstPoll,
                                     runtime: runtime, now: now, dryRun: dryRun, knownHashes: knownHashes)
            }
            if !dryRun, !chunk.alerts.isEmpty { committed() }
            stats.add(chunk)
            start = end
        } while start < incidents.endIndex
        return stats
    }

    /// Runs the health state machine and records its alert, if any, to the default sinks.
    private func updateHealth(_ state: inout FeedState, feed: FeedConfig, runtime: DaemonRuntime, now: Date,
                              previousSuccess: Date?) -> [Alert] {
        // Outage id: the last success before it, so the alert and its recovery share one incident.
        // (Taken from before this poll: a recovering poll has already moved `lastSuccess` to now.)
        let outage = "\(feed.name)@\(Int64(previousSuccess?.timeIntervalSince1970 ?? 0))"
        let event: FeedHealthEvent? = lock.withLock {
            var tracker = health[feed.name] ?? FeedHealth(
                failingSince: state.consecutiveFailures > 1 ? (state.lastSuccess ?? now) : nil,
                alerted: state.healthAlerted)
            let event = state.consecutiveFailures > 0
                ? tracker.recordFailure(now: now, error: state.lastError ?? "failed", staleAfter: runtime.config.feedStaleAfter.seconds)
                : tracker.recordSuccess(now: now)
            health[feed.name] = tracker
            state.healthAlerted = tracker.alerted
            return event
        }
        guard let event else { return [] }
        let (rule, name, summary, since): (String, String, String, Date)
        switch event {
        case .failing(let start, let error):
            (rule, name, summary, since) = ("feed-health", "feed \(feed.name) failing", "failing since \(start): \(error)", start)
            logger.error("feed failing longer than feed_stale_after", metadata: ["feed": "\(feed.name)", "error": "\(error)"])
        case .recovered(let after):
            (rule, name, summary, since) = ("feed-recovered", "feed \(feed.name) recovered",
                                            "working again after \(TimeSpan(seconds: after.rounded()))", now.addingTimeInterval(-after))
            logger.notice("feed recovered", metadata: ["feed": "\(feed.name)"])
        }
        let incident = Incident(id: outage, source: feed.name, name: name, title: name, summary: summary, date: since)
        let sinks = runtime.destinations(notify: nil, severity: .high)
        guard !sinks.isEmpty else { return [] }
        do {
            return try store.recordFiring([(Alert(rule: rule, severity: .high, incident: incident, firedAt: now), sinks)])
        } catch {
            logger.error("cannot record feed-health alert", metadata: ["feed": "\(feed.name)", "error": "\(error)"])
            return []
        }
    }
}
