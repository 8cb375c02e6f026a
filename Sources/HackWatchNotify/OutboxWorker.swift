import Foundation
import Logging
import HackWatchStore

/// What one `drain` did.
package struct DrainStats: Sendable, Hashable {
    /// Deliveries acknowledged.
    package var delivered = 0
    /// Deliveries that failed transiently and were rescheduled.
    package var retried = 0
    /// Deliveries given up (permanent error, expired, or sink no longer configured).
    package var dead = 0
    /// Due deliveries left for later (their sink was backing off, or the deadline passed).
    package var deferred = 0
    /// Deliveries a silence or mute window matched (recorded, not sent).
    package var silenced = 0
    /// Deliveries kept back by a hold window.
    package var held = 0

    package init() {}

    /// Adds another drain's (or sink's) counts to these.
    mutating func add(_ other: DrainStats) {
        delivered += other.delivered
        retried += other.retried
        dead += other.dead
        deferred += other.deferred
        silenced += other.silenced
        held += other.held
    }
}

/// Sends the outbox: every due delivery once per drain, each sink's deliveries in firing order
/// on their own thread (a slow destination never holds up the others), honouring each sink's
/// rate limit and the shared `RetryPolicy`. A row is marked delivered only after its sink
/// acknowledged it, so a crash at any point resends rather than loses (receivers deduplicate
/// by alert id: `webhook-id`, PagerDuty `dedup_key`).
package final class OutboxWorker: @unchecked Sendable {
    private let store: any StateStoring
    private let sinks: [String: any Sink]
    private let policy: RetryPolicy
    let logger: Logger
    /// Silences and mute windows, consulted once per drain (nil: send everything).
    private let gate: (any DeliveryGate)?

    /// Rate-limit, backoff and unstored-acknowledgement state; a reload hands it to the next worker.
    package let state: OutboxState
    private var lock: NSLock { state.lock }
    /// Only one drain at a time (timer, `wake`, `stop` may all ask).
    private let drainLock = NSLock()
    private var timer: DispatchSourceTimer?
    private var stopping = false
    /// Set by `stop`: a drain already running (from the timer) ends its sends by then too.
    private var stopDeadline: Date?

    /// Deliveries fetched per batch.
    package var batchSize = 500

    /// `state` carries one worker's sink blocks and unstored acknowledgements over to its
    /// successor (a reload that rebuilds the sinks must not forget a `Retry-After`).
    package init(store: any StateStoring, sinks: [String: any Sink], policy: RetryPolicy = .default, logger: Logger,
                 state: OutboxState = OutboxState(), gate: (any DeliveryGate)? = nil) {
        self.state = state
        self.gate = gate
        self.store = store
        self.sinks = sinks
        self.policy = policy
        self.logger = logger
    }

    /// Sends every delivery due at `now` once (retries are rescheduled, not repeated here).
    /// With a `deadline`, stops starting new sends after it; unsent rows stay pending.
    @discardableResult
    package func drain(now: Date = Date(), deadline: Date? = nil) -> DrainStats {
        drainLock.lock()
        defer { drainLock.unlock() }
        var stats = DrainStats()
        // A timer drain that queued up behind `stop` must not touch a store about to close.
        if let stop = lock.withLock({ stopDeadline }), Date() >= stop { return stats }
        // Hold windows that ended let their rows go; silences are read once for the whole drain.
        if gate != nil {
            do { try store.releaseHeld(now: now) } catch { logger.error("outbox: cannot release held deliveries: \(error)") }
        }
        let decide = gate?.prepare(now: now)
        var afterID: Int64 = 0
        while true {
            let batch: [Delivery]
            do {
                batch = try store.dueDeliveries(now: now, afterID: afterID, limit: batchSize)
            } catch {
                logger.error("outbox: cannot read due deliveries: \(error)")
                return stats
            }
            guard !batch.isEmpty else { break }
            afterID = batch[batch.count - 1].id
            let sendable = gated(batch, decide, store: store, stats: &stats)
            stats.add(run(sendable, deadline: deadline))
            if batch.count < batchSize || deadlinePassed(deadline) { break }
        }
        return stats
    }

    private func run(_ deliveries: [Delivery], deadline: Date?) -> DrainStats {
        let bySink = Dictionary(grouping: deliveries, by: \.sink)
        if bySink.count == 1, let (sinkName, rows) = bySink.first { return runSink(sinkName, rows, deadline: deadline) }
        // A thread per sink: Dispatch's pool is as wide as the cores, and a sink blocked on a
        // slow receiver must not hold up the others.
        let results = ResultBox()
        let group = DispatchGroup()
        for (sinkName, rows) in bySink {
            group.enter()
            Thread.detachNewThread { [self] in
                results.add(runSink(sinkName, rows, deadline: deadline))
                group.leave()
            }
        }
        group.wait()
        return results.total
    }

    /// One sink's deliveries, in order, on the calling thread.
    private func runSink(_ sinkName: String, _ rows: [Delivery], deadline: Date?) -> DrainStats {
        var stats = DrainStats()
        guard let sink = sinks[sinkName] else {
            for row in rows { finishDead(row, reason: "sink '\(sinkName)' is not configured", stats: &stats) }
            return stats
        }
        for (offset, row) in rows.enumerated() {
            if deadlinePassed(deadline) || isBlocked(sinkName) {
                stats.deferred += rows.count - offset
                break
            }
            // Acknowledged by the destination earlier but not yet stored: never send it again,
            // only retry storing the outcome.
            if lock.withLock({ state.acknowledged.contains(row.id) }) {
                let reference = lock.withLock { state.acknowledgedReferences[row.id] }
                guard storeDelivered(row, sink: sinkName, reference: reference, stats: &stats) else {
                    stats.deferred += rows.count - offset
                    break
                }
                continue
            }
            // A row kept back by a hold window (or released from a silence) counts from then.
            if policy.isExpired(firedAt: max(row.alert.firedAt, row.heldUntil ?? .distantPast), now: Date()) {
                finishDead(row, reason: "gave up after \(row.attempts) attempts: \(row.lastError ?? "expired")", stats: &stats)
                continue
            }
            waitForRateLimit(sinkName, interval: sink.minimumInterval, deadline: deadline)
            if deadlinePassed(deadline) {
                stats.deferred += rows.count - offset
                break
            }
            // An update goes where the story's first message is; it waits while that message
            // is still pending to this sink (after a restart its retry may be due later).
            let anchor: ThreadAnchor
            do { anchor = row.alert.isUpdate ? try store.threadAnchor(story: row.alert.story, sink: sinkName) : ThreadAnchor() } catch {
                logger.error("outbox: cannot read thread reference: \(error)", metadata: ["sink": "\(sinkName)"])
                stats.deferred += rows.count - offset
                break
            }
            if anchor.firstPending {
                // Due again with its first message (after a restart the first's retry may lie
                // ahead), so the timer does not spin on it meanwhile.
                let next = max(anchor.firstNextAttempt ?? Date(), Date().addingTimeInterval(0.05))
                try? store.scheduleRetry(row.id, attempts: row.attempts, next: next, error: "waits for the story's first message")
                stats.deferred += 1
                continue
            }
            let reply = sink.send(row.alert, thread: anchor.reference)
            record(sinkName, sentAt: Date())
            if case .delivered = reply.result {
                guard storeDelivered(row, sink: sinkName, reference: reply.reference, stats: &stats) else {
                    stats.deferred += rows.count - offset - 1
                    break
                }
                continue
            }
            guard apply(reply.result, to: row, sink: sinkName, stats: &stats) else {
                stats.deferred += rows.count - offset - 1
                break
            }
        }
        return stats
    }

    /// Marks `row` delivered. When the store refuses, remembers the acknowledgement in memory (so
    /// this process never sends that alert again) and blocks the sink with a growing backoff:
    /// sending more while outcomes cannot be stored would only pile up unstored deliveries.
    ///
    /// `reference` is what the destination returned for a story's first message (the id updates
    /// thread to); it is kept with the in-memory acknowledgement until it is stored.
    private func storeDelivered(_ row: Delivery, sink: String, reference: String? = nil, stats: inout DrainStats) -> Bool {
        let attempts = row.attempts + 1
        do {
            if !row.alert.isUpdate, let reference {
                try store.markDelivered(row.id, story: row.alert.story, sink: sink, reference: reference)
            } else {
                try store.markDelivered(row.id)
            }
        } catch {
            lock.withLock {
                _ = state.acknowledged.insert(row.id)
                if let reference { state.acknowledgedReferences[row.id] = reference }
            }
            storeFailed(sink, error: error, alert: row.alert.id)
            stats.deferred += 1
            return false
        }
        storeSucceeded(sink)
        lock.withLock {
            _ = state.acknowledged.remove(row.id)
            state.acknowledgedReferences[row.id] = nil
        }
        stats.delivered += 1
        logger.debug("delivered", metadata: ["alert": "\(row.alert.id)", "sink": "\(sink)", "attempts": "\(attempts)"])
        return true
    }

    /// The store refused to record an outcome: back the sink off (0.5 s doubling to 30 s) so
    /// its drain stops until a store write succeeds again.
    private func storeFailed(_ sink: String, error: StoreError, alert: String) {
        let delay = lock.withLock { () -> TimeInterval in
            let failures = (state.storeFailures[sink] ?? 0) + 1
            state.storeFailures[sink] = failures
            let delay = min(Self.storeBackoffCap, 0.5 * pow(2, Double(min(failures, 16) - 1)))
            state.blockedUntil[sink] = max(state.blockedUntil[sink] ?? .distantPast, Date().addingTimeInterval(delay))
            return delay
        }
        logger.error("outbox: cannot record delivery outcome; pausing this sink until the state database is writable", metadata: [
            "sink": "\(sink)", "alert": "\(alert)", "retry_in": "\(String(format: "%.1f", delay))s", "error": "\(error)",
        ])
    }

    private func storeSucceeded(_ sink: String) {
        let recovered = lock.withLock { state.storeFailures.removeValue(forKey: sink) != nil }
        if recovered { logger.notice("outbox: state database writable again; resuming", metadata: ["sink": "\(sink)"]) }
    }

    /// The longest pause between attempts to store an outcome.
    static let storeBackoffCap: TimeInterval = 30

    /// Stores a retry or dead outcome; false (and the sink paused) when the store refused.
    private func apply(_ result: SinkResult, to row: Delivery, sink: String, stats: inout DrainStats) -> Bool {
        let attempts = row.attempts + 1
        do throws(StoreError) {
            switch result {
            case .delivered:
                return storeDelivered(row, sink: sink, stats: &stats)
            case .retry(let after, let reason):
                let delay = policy.delay(afterAttempts: attempts, hint: after)
                let next = Date().addingTimeInterval(delay)
                try store.scheduleRetry(row.id, attempts: attempts, next: next, error: reason)
                block(sink, until: next)
                stats.retried += 1
                logger.warning("delivery failed, will retry", metadata: [
                    "alert": "\(row.alert.id)", "sink": "\(sink)", "attempt": "\(attempts)",
                    "retry_in": "\(String(format: "%.1f", delay))s", "reason": "\(reason)",
                ])
            case .dead(let reason):
                try store.markDead(row.id, error: reason)
                stats.dead += 1
                logger.error("delivery dead", metadata: ["alert": "\(row.alert.id)", "sink": "\(sink)", "reason": "\(reason)"])
            }
        } catch {
            // Not acknowledged, so sending again later is right; but not before the store works.
            storeFailed(sink, error: error, alert: row.alert.id)
            return false
        }
        storeSucceeded(sink)
        return true
    }

    private func finishDead(_ row: Delivery, reason: String, stats: inout DrainStats) {
        do {
            try store.markDead(row.id, error: reason)
            stats.dead += 1
            logger.error("delivery dead", metadata: ["alert": "\(row.alert.id)", "sink": "\(row.sink)", "reason": "\(reason)"])
        } catch {
            logger.error("outbox: cannot mark delivery dead: \(error)")
        }
    }

    // MARK: Rate limits and backoff

    private func waitForRateLimit(_ sink: String, interval: TimeInterval, deadline: Date?) {
        guard interval > 0 else { return }
        let last = lock.withLock { state.lastSend[sink] }
        guard let last else { return }
        var wait = last.addingTimeInterval(interval).timeIntervalSinceNow
        if let deadline = effectiveDeadline(deadline) { wait = min(wait, deadline.timeIntervalSinceNow) }
        if wait > 0 { Thread.sleep(forTimeInterval: wait) }
    }

    private func record(_ sink: String, sentAt: Date) { lock.withLock { state.lastSend[sink] = sentAt } }
    private func block(_ sink: String, until: Date) { lock.withLock { state.blockedUntil[sink] = until } }

    private func isBlocked(_ sink: String) -> Bool {
        lock.withLock {
            guard let until = state.blockedUntil[sink] else { return false }
            if until <= Date() { state.blockedUntil[sink] = nil; return false }
            return true
        }
    }

    private func deadlinePassed(_ deadline: Date?) -> Bool {
        guard let limit = effectiveDeadline(deadline) else { return false }
        return Date() >= limit
    }

    private func effectiveDeadline(_ deadline: Date?) -> Date? {
        let stop = lock.withLock { stopDeadline }
        return [deadline, stop].compactMap { $0 }.min()
    }

    /// When the next drain has work: the earliest pending row of each sink, no sooner than
    /// the sink's backoff. nil when nothing is pending.
    func nextWake() -> Date? {
        guard let schedule = try? store.pendingSchedule() else { return Date().addingTimeInterval(5) }
        let blocked = lock.withLock { state.blockedUntil }
        return schedule.map { sink, due in max(due, blocked[sink] ?? due) }.min()
    }

    // MARK: Background operation

    /// Drains on `queue` now and whenever work falls due (a one-shot Dispatch timer re-armed
    /// after each drain, at most 60 s apart). Call `wake()` after `recordFiring`.
    package func start(queue: DispatchQueue) {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.setEventHandler { [weak self] in self?.tick() }
        lock.withLock {
            self.timer = timer
            stopping = false
            stopDeadline = nil
        }
        timer.schedule(deadline: .now())
        timer.resume()
    }

    /// Asks for a drain as soon as possible (new outbox rows were written).
    package func wake() {
        lock.withLock {
            guard !stopping else { return }
            timer?.schedule(deadline: .now())
        }
    }

    /// Stops the timer, then drains what is due until `deadline` (in-flight sends finish up to
    /// their own timeout). Rows not sent stay pending for the next start.
    package func stop(deadline: Date) {
        let timer = lock.withLock { () -> DispatchSourceTimer? in
            stopping = true
            stopDeadline = deadline
            let current = self.timer
            self.timer = nil
            return current
        }
        timer?.cancel()
        if Date() < deadline { drain(deadline: deadline) }
    }

    private func tick() {
        guard !lock.withLock({ stopping }) else { return }
        drain()
        let next = nextWake() ?? Date().addingTimeInterval(60)
        let delay = min(60, max(0.05, next.timeIntervalSinceNow))
        lock.withLock {
            guard !stopping else { return }
            timer?.schedule(deadline: .now() + delay)
        }
    }
}

/// Collects per-sink stats from concurrent threads.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stats = DrainStats()

    func add(_ more: DrainStats) { lock.withLock { stats.add(more) } }

    var total: DrainStats { lock.withLock { stats } }
}

/// What an outbox worker remembers between drains, handed from one worker to the next on a
/// reload: each sink's last send (rate limit), its backoff (`Retry-After`, store failures) and
/// the deliveries its destination acknowledged whose outcome the store has not taken yet.
package final class OutboxState: @unchecked Sendable {
    let lock = NSLock()
    /// Last send time per sink (rate limits hold across drains).
    var lastSend: [String: Date] = [:]
    /// A sink that asked to back off (or whose outcomes cannot be stored) gets no new attempts
    /// before this time.
    var blockedUntil: [String: Date] = [:]
    /// Outbox row ids acknowledged by their destination but not yet marked delivered.
    var acknowledged: Set<Int64> = []
    /// For acknowledged first messages of a story: the destination's message reference.
    var acknowledgedReferences: [Int64: String] = [:]
    /// Consecutive failed outcome writes per sink (for the backoff).
    var storeFailures: [String: Int] = [:]

    package init() {}

    /// Row ids acknowledged but not yet stored as delivered (for status and tests).
    package var unstoredAcknowledgements: Set<Int64> { lock.withLock { acknowledged } }

    /// When `sink` may next be attempted (nil: no block).
    package func blockedUntil(_ sink: String) -> Date? { lock.withLock { blockedUntil[sink] } }
}
