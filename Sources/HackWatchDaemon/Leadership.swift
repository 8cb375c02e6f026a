import Dispatch
import Foundation
import Logging
import HackWatchStore
import HackWatchStorePostgres

/// What this instance is on a shared (PostgreSQL) store.
package enum LeaderRole: Sendable, Equatable, CustomStringConvertible {
    /// Not decided yet (the first lease attempt has not returned).
    case starting
    /// Holds the lease in `epoch`: polls, evaluates and delivers.
    case leader(epoch: Int64)
    /// Another instance leads; this one watches the lease and takes over when it lapses.
    case standby(leader: String, epoch: Int64)
    /// The database cannot be reached (the reason, redacted); does nothing until it can.
    case disconnected(reason: String)

    package var description: String {
        switch self {
        case .starting: "starting"
        case .leader(let epoch): "leader (epoch \(epoch))"
        case .standby(let leader, let epoch): "standby (leader \(leader), epoch \(epoch))"
        case .disconnected(let reason): "disconnected from the PostgreSQL store: \(reason)"
        }
    }

    /// Whether this is the leading role.
    package var isLeader: Bool { if case .leader = self { true } else { false } }
}

/// Keeps (or watches) the lease of a shared store on its own thread: renews at a third of the
/// lease while leading, checks ten times per lease while standing by, retries a lost connection
/// with backoff. Calls `onLead` when this instance starts leading and `onStandby` when it stops
/// (lease lost, taken over, or lapsed by the local monotonic clock while the database is away).
final class Leadership: @unchecked Sendable {
    private let store: PostgresStore
    private let logger: Logger
    private let lock = NSLock()
    private var _role: LeaderRole = .starting
    private var stopped = false
    private let wakeup = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let onLead: @Sendable () -> Void
    private let onStandby: @Sendable () -> Void

    init(store: PostgresStore, logger: Logger, onLead: @escaping @Sendable () -> Void, onStandby: @escaping @Sendable () -> Void) {
        self.store = store
        self.logger = logger
        self.onLead = onLead
        self.onStandby = onStandby
    }

    /// The current role.
    var role: LeaderRole { lock.withLock { _role } }

    /// Whether to act as leader right now: the role says so AND the local clock says the lease
    /// has not lapsed (checked at every send and every poll, not only when this thread wakes).
    var mayLead: Bool { role.isLeader && store.holdsLease }

    func start() {
        Thread.detachNewThread { [self] in
            loop()
            finished.signal()
        }
    }

    /// Stops the thread; with `release`, ends the lease so a standby takes over at once.
    func stop(release: Bool) {
        let wasLeader = lock.withLock { () -> Bool in
            stopped = true
            return _role.isLeader
        }
        wakeup.signal()
        _ = finished.wait(timeout: .now() + 10)
        if release, wasLeader {
            do { try store.releaseLease() } catch { logger.warning("could not release the leader lease: \(error)") }
        }
    }

    private func loop() {
        let lease = store.leaseSeconds
        var backoff = 0.25
        while !lock.withLock({ stopped }) {
            var wait: Double
            do {
                let outcome = try store.acquireLease()
                backoff = 0.25
                switch outcome {
                case .leader(let epoch, let newTerm):
                    if transition(to: .leader(epoch: epoch)) || newTerm {
                        logger.notice("leading the shared store", metadata: ["epoch": "\(epoch)", "holder": "\(store.holder)"])
                        onLead()
                    }
                    wait = lease / 3
                case .standby(let current):
                    let was = role
                    if transition(to: .standby(leader: current.holder, epoch: current.epoch)) {
                        logger.notice("standing by", metadata: ["leader": "\(current.holder)", "epoch": "\(current.epoch)"])
                        if was.isLeader { onStandby() }
                    }
                    wait = lease / 10
                }
            } catch {
                let was = role
                // Still leading by the local clock: keep going, retry the renewal soon.
                if was.isLeader, store.holdsLease {
                    logger.warning("cannot renew the leader lease; retrying", metadata: ["error": "\(error)"])
                    wait = min(backoff, lease / 10)
                } else {
                    if transition(to: .disconnected(reason: "\(error)")) {
                        logger.error("shared store unavailable; not polling or delivering until it is back",
                                     metadata: ["error": "\(error)", "retry_in": "\(backoff)s"])
                        if was.isLeader { store.dropLease(); onStandby() }
                    }
                    wait = backoff
                }
                backoff = min(backoff * 2, max(0.25, lease / 3))
            }
            // While leading, also wake when the local lease deadline passes between renewals.
            _ = wakeup.wait(timeout: .now() + max(0.05, wait))
            if role.isLeader, !store.holdsLease, !lock.withLock({ stopped }) {
                logger.warning("the leader lease lapsed by this instance's clock; stopping polls and deliveries")
                _ = transition(to: .disconnected(reason: "lease lapsed before it could be renewed"))
                store.dropLease()
                onStandby()
            }
        }
    }

    /// Sets the role; true when the kind of role changed (leader/standby/disconnected) or the
    /// leader's epoch did.
    private func transition(to next: LeaderRole) -> Bool {
        lock.withLock {
            defer { _role = next }
            switch (_role, next) {
            case (.leader(let a), .leader(let b)): return a != b
            case (.standby(let a, let x), .standby(let b, let y)): return a != b || x != y
            case (.disconnected, .disconnected): return false
            default: return true
            }
        }
    }
}

extension Daemon {
    /// The outbox's gate, built before `self` exists: sends only while this instance may lead
    /// (always, on SQLite).
    static func leaderGate() -> (isActive: @Sendable () -> Bool, box: GateBox) {
        let box = GateBox()
        return ({ box.daemon?.leadership?.mayLead ?? true }, box)
    }

    final class GateBox: @unchecked Sendable { weak var daemon: Daemon? }

    /// The lease keeper: leading schedules the feeds and wakes the outbox; standing by stops
    /// the feeds (the outbox's gate already holds its sends).
    func makeLeadership(_ store: PostgresStore) -> Leadership {
        Leadership(store: store, logger: logger, onLead: { [weak self] in
            self?.scheduleFeeds()
            self?.wakeOutbox()
        }, onStandby: { [weak self] in
            self?.unscheduleFeeds()
        })
    }

    /// The role on a shared store, for `status`, `/-/ready` and the status line; nil on SQLite.
    var role: LeaderRole? { leadership?.role }
}
