import Dispatch
import Foundation
import Logging
import HackWatchConfiguration
import HackWatchFeeds
import HackWatchHTTP
import HackWatchNotify
import HackWatchStore
import HackWatchStorePostgres
import HackWatchWeb

/// `hackwatch run`: the long-running service.
///
/// Threads: each feed polls on its own queue (FeedScheduler); the outbox worker drains on its
/// queue; signals, reloads, watchdog pings and metrics run on one control queue. The runtime
/// (config + rules + sinks) is an immutable value swapped under a lock, so a poll in progress
/// finishes with the rules it started with.
package final class Daemon: @unchecked Sendable {
    private let configPath: String
    private let environment: [String: String]
    let logger: Logger
    private let notifier: SystemdNotifier
    private let control = DispatchQueue(label: "hackwatch.control")
    private let outboxQueue = DispatchQueue(label: "hackwatch.outbox")
    private let client = HTTPClient()
    let lock = NSLock()
    private var runtime: DaemonRuntime
    var lastReloadOK = true
    let store: any StateStoring
    /// Held until the process exits: no second `run` or `once` on this state_dir meanwhile.
    /// Held until the process exits (SQLite only; instances sharing PostgreSQL take turns by lease).
    private let stateLock: StateDirectoryLock?
    /// The shared store and its lease keeper, when `store.postgres` is configured.
    let postgres: PostgresStore?
    private(set) var leadership: Leadership?
    private var outbox: OutboxWorker
    private let scheduler: FeedScheduler
    private var poller: FeedPoller
    private var signals: SignalWatcher?
    private var watchdog: WatchdogPinger?
    private var metricsTimer: DispatchSourceTimer?
    /// Aggregate rules whose conditions time alone changes (windows slide, cooldowns end).
    private var aggregateTimer: DispatchSourceTimer?
    private let finished = DispatchSemaphore(value: 0)
    private var stopping = false
    /// Delivery latency, poll duration, rule evaluations: the live half of `/metrics`.
    let liveMetrics = LiveMetrics()
    /// The HTTP listener (`http`), if configured; started before the store opens.
    private var web: WebServer?
    private let webStatus = DaemonWebStatus()
    /// Every feed has been handed to the scheduler (readiness); false again once stopping.
    private var feedsScheduled = false

    /// Loads config, rules and sinks and opens the state database; throws when any is unusable
    /// (the service then fails to start, which systemd reports).
    package init(configPath: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                logger: Logger) throws {
        self.configPath = configPath
        self.environment = environment
        self.logger = logger
        self.notifier = SystemdNotifier(environment: environment)
        let runtime = try DaemonRuntime.load(configPath: configPath, environment: environment, client: client)
        self.runtime = runtime
        DaemonLogging.apply(configLevel: runtime.config.logLevel, environment: environment)
        if !runtime.ruleWarnings.isEmpty { logger.warning("rule warnings:\n\(runtime.ruleWarnings)") }
        for problem in runtime.unroutableRules { logger.warning("\(problem)") }
        let web: WebServer?
        do { web = try Self.startWeb(runtime.config, status: webStatus, environment: environment, logger: logger) } catch {
            throw RuntimeError.http(error)
        }
        self.web = web
        if let shared = runtime.config.postgres {
            do { postgres = try SharedStore.open(shared, environment: environment) } catch { web?.stop(); throw error }
            store = postgres!
            stateLock = nil
        } else {
            do { (store, stateLock) = try StateDirectory.openStore(runtime.config.stateDir) } catch { web?.stop(); throw error }
            postgres = nil
        }
        let gate = Self.leaderGate()
        outbox = OutboxWorker(store: store, sinks: TimedSink.wrap(runtime.sinks, metrics: liveMetrics), logger: logger,
                              gate: DeliveryControls(store: store, windows: runtime.config.timeIntervals, logger: logger),
                              isActive: gate.isActive)
        poller = FeedPoller(store: store, fetcher: FeedFetcher(client: HTTPClient(caFile: runtime.config.caFile)), logger: logger)
        // The scheduler is built before `self` exists; the box hands it `self` once it does.
        let box = WeakBox()
        scheduler = FeedScheduler(backoffCap: Self.backoffCap(runtime.config)) { feed in
            box.daemon?.poll(feed) ?? .failed
        }
        box.daemon = self
        gate.box.daemon = self
        if let postgres { leadership = makeLeadership(postgres) }
        webStatus.attach(self, store: store)
    }

    private final class WeakBox: @unchecked Sendable { weak var daemon: Daemon? }

    /// Failing feeds are retried at least as often as the stale alert needs to notice recovery.
    static func backoffCap(_ config: HackWatchConfig) -> TimeInterval {
        min(3600, max(config.feedStaleAfter.seconds / 2, 60))
    }

    /// Starts timers, signal handling and the watchdog, tells systemd READY=1, and blocks until
    /// SIGTERM/SIGINT has stopped everything. Returns normally on a clean stop.
    ///
    /// `relay`: signals caught since the process started (so a SIGTERM during the load is acted
    /// on — the daemon then stops at once — rather than lost).
    package func run(relay: SignalRelay? = nil) {
        let handler: @Sendable (Int32) -> Void = { [weak self] signal in
            guard let self else { return }
            if signal == SIGHUP { self.reload() } else { self.stop(reason: signal == SIGINT ? "SIGINT" : "SIGTERM") }
        }
        outbox.start(queue: outboxQueue)
        let current = currentRuntime()
        if let leadership {
            // Shared store: feeds are scheduled when this instance starts leading.
            leadership.start()
        } else {
            scheduleFeeds()
        }
        lock.withLock { feedsScheduled = true }
        if let interval = SystemdNotifier.watchdogInterval(environment: environment) {
            let pinger = WatchdogPinger(notifier: notifier, interval: interval)
            pinger.start(queue: control)
            watchdog = pinger
        }
        startMetrics()
        startAggregateTimer()
        logger.info("hackwatch started", metadata: [
            "feeds": "\(current.feeds.count)", "rules": "\(current.ruleSet.rules.count)", "sinks": "\(current.sinks.count)",
        ])
        notifier.ready(status: statusLine())
        // Last, so a signal that came during start-up finds everything it stops running.
        if let relay {
            let control = self.control
            relay.attach { number in control.async { handler(number) } }
        } else {
            signals = SignalWatcher(queue: control, handler: handler)
        }
        finished.wait()
    }

    func currentRuntime() -> DaemonRuntime { lock.withLock { runtime } }

    /// Hands every enabled feed to the scheduler, with its stored failure streak.
    func scheduleFeeds() {
        let states = (try? store.allFeedStates()) ?? []
        for feed in currentRuntime().feeds {
            let failures = states.first { $0.feed == feed.name }?.consecutiveFailures ?? 0
            scheduler.add(feed, initialDelay: 0, failures: failures)
        }
    }

    /// Stops every feed's polling (a standby polls nothing).
    func unscheduleFeeds() {
        for name in scheduler.feedNames { scheduler.remove(name) }
    }

    /// Wakes the outbox (after a takeover: rows left by the old leader are due).
    func wakeOutbox() { lock.withLock { outbox }.wake() }

    private func poll(_ feed: FeedConfig) -> PollResult {
        // A standby (or a leader whose lease may have lapsed) never polls or evaluates.
        if let leadership, !leadership.mayLead { return .succeeded }
        let current = currentRuntime()
        let start = DispatchTime.now().uptimeNanoseconds
        // Each committed chunk wakes the outbox: a big feed's first alerts leave while the
        // rest of it is processed.
        let report = poller.poll(feed, runtime: current) { [weak self] in
            guard let self else { return }
            self.lock.withLock { self.outbox }.wake()
        }
        liveMetrics.observePoll(feed: feed.name, seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        // New and changed incidents are evaluated, those recorded silently (baseline) are not.
        liveMetrics.observeEvaluation(incidents: max(0, report.stats.new + report.stats.changed - report.stats.baselined),
                                      rules: current.ruleSet.rules.count, matched: report.stats.alerts.flatMap(\.rules))
        // A failed poll may still have committed alerts before it failed: drain for those too.
        if !report.stats.alerts.isEmpty || report.result == .failed { lock.withLock { outbox }.wake() }
        control.async { [weak self] in
            guard let self, !self.lock.withLock({ self.stopping }) else { return }
            self.notifier.status(self.statusLine())
            self.writeMetrics()
        }
        return report.result
    }

    /// SIGHUP (and `POST /-/reload`): build a complete new runtime; swap it in only if everything
    /// loaded. Returns whether it was taken, and why not.
    @discardableResult
    func reload() -> ReloadOutcome {
        notifier.reloading()
        logger.info("reloading", metadata: ["config": "\(configPath)"])
        let next: DaemonRuntime
        do {
            next = try DaemonRuntime.load(configPath: configPath, environment: environment, client: client)
        } catch {
            logger.error("reload failed; keeping the previous config and rules:\n\(error)")
            lock.withLock { lastReloadOK = false }
            writeMetrics()
            notifier.send("READY=1\nSTATUS=reload failed, running previous config; " + statusLine())
            return ReloadOutcome(accepted: false, message: "reload failed; keeping the previous config and rules:\n\(error)")
        }
        let previous = currentRuntime()
        if next.config.stateDir != previous.config.stateDir {
            logger.warning("state_dir changed; takes effect at the next restart")
        }
        DaemonLogging.apply(configLevel: next.config.logLevel, environment: environment)
        let oldOutbox: OutboxWorker? = lock.withLock {
            runtime = next
            lastReloadOK = true
            guard Self.sinksNeedRebuild(previous.config, next.config) else { return nil }
            let old = outbox
            // The new worker inherits the old one's blocks (Retry-After, store failures) and its
            // acknowledged-but-unstored deliveries, so a reload neither hammers nor re-sends.
            outbox = OutboxWorker(store: store, sinks: TimedSink.wrap(next.sinks, metrics: liveMetrics), logger: logger, state: old.state,
                                  gate: DeliveryControls(store: store, windows: next.config.timeIntervals, logger: logger),
                                  isActive: old.isActive)
            return old
        }
        if let oldOutbox {
            oldOutbox.stop(deadline: Date().addingTimeInterval(next.config.deliveryDeadline.seconds))
            lock.withLock { outbox }.start(queue: outboxQueue)
        }
        reconcileFeeds(old: previous.feeds, new: next.feeds)
        startAggregateTimer()
        if !next.ruleWarnings.isEmpty { logger.warning("rule warnings:\n\(next.ruleWarnings)") }
        for problem in next.unroutableRules { logger.warning("\(problem)") }
        logger.info("reloaded", metadata: ["feeds": "\(next.feeds.count)", "rules": "\(next.ruleSet.rules.count)"])
        writeMetrics()
        notifier.ready(status: statusLine())
        return ReloadOutcome(accepted: true, message: "reloaded: \(next.feeds.count) feeds, \(next.ruleSet.rules.count) rules, \(next.sinks.count) sinks")
    }

    /// `POST /-/reload`: the SIGHUP path, on the control queue like a signal.
    func reloadFromHTTP() -> ReloadOutcome {
        guard !lock.withLock({ stopping }) else { return ReloadOutcome(accepted: false, message: "the daemon is stopping") }
        return control.sync { reload() }
    }

    /// Why `/-/ready` says 503: rules and store are checked, every feed scheduled, not stopping.
    func readinessProblems() -> [String] {
        var problems: [String] = []
        let (scheduled, isStopping) = lock.withLock { (feedsScheduled, stopping) }
        if isStopping { problems.append("stopping") }
        if let role = leadership?.role, case .disconnected = role { problems.append(role.description) }
        else if !scheduled { problems.append("feeds not scheduled yet") }
        do { _ = try store.incidentCount() } catch { problems.append("the state database cannot be read: \(error)") }
        return problems
    }

    /// Whether a reload must swap in the newly built sinks: their configs changed, or `ca_file`
    /// did (sinks carry the HTTP client that trusts it). Otherwise the running outbox keeps its
    /// sinks and their rate-limit state.
    package static func sinksNeedRebuild(_ old: HackWatchConfig, _ new: HackWatchConfig) -> Bool {
        old.sinks != new.sinks || old.caFile != new.caFile
    }

    /// Removed feeds stop; new or changed feeds (re)start now; unchanged feeds keep their timers.
    private func reconcileFeeds(old: [FeedConfig], new: [FeedConfig]) {
        let oldByName = Dictionary(old.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let newNames = Set(new.map(\.name))
        for feed in old where !newNames.contains(feed.name) { scheduler.remove(feed.name) }
        for feed in new where oldByName[feed.name] != feed {
            let failures = (try? store.feedState(feed.name))??.consecutiveFailures ?? 0
            scheduler.add(feed, initialDelay: 0, failures: failures)
        }
    }

    /// SIGTERM/SIGINT: stop polling, give in-flight deliveries until `delivery_deadline`,
    /// close the database, return from `run()`.
    func stop(reason: String) {
        let already = lock.withLock { () -> Bool in defer { stopping = true }; return stopping }
        guard !already else { return }
        logger.info("stopping", metadata: ["signal": "\(reason)"])
        notifier.stopping(status: "stopping (\(reason))")
        let deadline = Date().addingTimeInterval(currentRuntime().config.deliveryDeadline.seconds)
        scheduler.stop(timeout: max(deadline.timeIntervalSinceNow, 0))
        // The lease is released only after the outbox has finished (below): until then this
        // instance may still be sending, and a standby must not start sending the same rows.
        leadership?.stop(release: false)
        watchdog?.stop()
        metricsTimer?.cancel()
        aggregateTimer?.cancel()
        // The outbox finishes in-flight sends; past the deadline (plus a grace for one send's own
        // timeout to fire) exit anyway — undelivered rows stay pending in SQLite for the restart.
        let worker = lock.withLock { outbox }
        let drained = DispatchSemaphore(value: 0)
        Thread.detachNewThread { worker.stop(deadline: deadline); drained.signal() }
        guard drained.wait(timeout: .now() + max(deadline.timeIntervalSinceNow, 0) + 5) == .success else {
            logger.warning("deliveries still in flight at the deadline; they stay pending for the next start")
            notifier.status("stopped with deliveries in flight")
            finished.signal()
            return
        }
        writeMetrics()
        web?.stop()
        if let postgres, leadership?.role.isLeader == true {
            do { try postgres.releaseLease() } catch { logger.warning("could not release the leader lease: \(error)") }
        }
        store.close()
        signals?.cancel()
        logger.info("stopped")
        finished.signal()
    }

    /// One line for `systemctl status`: feeds, failing feeds, outbox backlog.
    func statusLine() -> String {
        let current = currentRuntime()
        let states = (try? store.allFeedStates()) ?? []
        let failing = states.filter { state in state.consecutiveFailures > 0 && current.feeds.contains { $0.name == state.feed } }
        let counts = (try? store.outboxCounts()) ?? OutboxCounts()
        let role = leadership.map { "\($0.role); " } ?? ""
        return role + "\(current.feeds.count) feeds (\(failing.count) failing), \(current.ruleSet.rules.count) rules, "
            + "\(counts.pending) pending, \(counts.dead) dead deliveries"
    }

    /// (Re)arms the aggregate and digest timer: every minute, or half the shortest cooldown when that is
    /// shorter (at least 1 s); the first run is now, recording new aggregates' state silently.
    private func startAggregateTimer() {
        aggregateTimer?.cancel()
        aggregateTimer = nil
        let current = currentRuntime()
        let aggregates = current.ruleSet.aggregates.filter(\.enabled)
        guard !aggregates.isEmpty || current.digests.contains(where: \.config.enabled) else { return }
        let interval = min(60, max(1, (aggregates.map(\.cooldown).min() ?? 60) / 2))
        let timer = DispatchSource.makeTimerSource(queue: control)
        timer.schedule(deadline: .now(), repeating: interval, leeway: .milliseconds(200))
        timer.setEventHandler { [weak self] in
            guard let self, !self.lock.withLock({ self.stopping }) else { return }
            let runtime = self.currentRuntime()
            var alerts = self.lock.withLock { self.poller }.evaluateAggregates(runtime: runtime)
            do { alerts += try DigestRunner(store: self.store).run(runtime: runtime) } catch {
                self.logger.error("cannot send digests", metadata: ["error": "\(error)"])
            }
            if !alerts.isEmpty { self.lock.withLock { self.outbox }.wake() }
        }
        timer.resume()
        aggregateTimer = timer
    }

    private func startMetrics() {
        guard currentRuntime().config.metricsTextfile != nil else { return }
        let timer = DispatchSource.makeTimerSource(queue: control)
        timer.schedule(deadline: .now() + 5, repeating: 30, leeway: .seconds(5))
        timer.setEventHandler { [weak self] in self?.writeMetrics() }
        timer.resume()
        metricsTimer = timer
    }

    private func writeMetrics() {
        let current = currentRuntime()
        guard let path = current.config.metricsTextfile else { return }
        do {
            let snapshot = try MetricsSnapshot.read(from: store, runtime: current, lastReloadOK: lock.withLock { lastReloadOK })
            try MetricsTextfile.write(snapshot, to: path)
        } catch {
            logger.warning("cannot write metrics textfile", metadata: ["path": "\(path)", "error": "\(error)"])
        }
    }
}

extension MetricsSnapshot {
    /// The figures for `runtime`'s feeds from the store.
    package static func read(from store: any StateStoring, runtime: DaemonRuntime, lastReloadOK: Bool = true) throws(StoreError) -> MetricsSnapshot {
        let states = Dictionary(try store.allFeedStates().map { ($0.feed, $0) }, uniquingKeysWith: { a, _ in a })
        let counts = try store.outboxCounts()
        let feeds = runtime.feeds.map { feed in
            let state = states[feed.name]
            return Feed(name: feed.name, polls: state?.polls ?? 0, failures: state?.failures ?? 0,
                        consecutiveFailures: state?.consecutiveFailures ?? 0, lastSuccess: state?.lastSuccess)
        }
        return MetricsSnapshot(feeds: feeds, incidentsSeen: try store.incidentCount(), alertsDelivered: counts.delivered,
                               alertsPending: counts.pending, alertsDead: counts.dead,
                               rules: runtime.ruleSet.rules.count, lastReloadSuccess: lastReloadOK)
    }
}
