import Dispatch
import Foundation
import HackWatchStore

/// Who leads a shared store, as the lease row says.
package struct LeaderLease: Sendable, Hashable {
    /// The leading instance (`host:pid:random`).
    package var holder: String
    /// The leader term: raised on every change of holder (and on a lapsed lease re-taken).
    package var epoch: Int64
    /// When the lease runs out unless renewed (the database's clock).
    package var expiresAt: Date
    /// Whether the lease had run out when read.
    package var expired: Bool

    package init(holder: String, epoch: Int64, expiresAt: Date, expired: Bool) {
        self.holder = holder
        self.epoch = epoch
        self.expiresAt = expiresAt
        self.expired = expired
    }
}

/// What one acquire-or-renew attempt found.
package enum LeaseOutcome: Sendable, Hashable {
    /// This instance leads in `epoch`; `newTerm` when the term began now (takeover or first start).
    case leader(epoch: Int64, newTerm: Bool)
    /// Another instance holds a live lease.
    case standby(LeaderLease)
}

extension PostgresStore {
    /// Acquires or renews the lease in ONE statement judged by the database's clock: the row is
    /// taken when this instance holds it or it has expired. A new term (a raised epoch) returns
    /// every outbox row left `sending` by an older term to `pending`, in the same transaction.
    ///
    /// The local deadline is the monotonic time the statement was sent plus the lease: the server
    /// computed `expires_at` from a later instant, so this side always gives up first.
    package func acquireLease() throws(StoreError) -> LeaseOutcome {
        try locked { (db) throws(StoreError) in
            let sent = DispatchTime.now().uptimeNanoseconds
            let interval = "\(leaseSeconds) seconds"
            let outcome = try db.transaction { () throws(StoreError) -> LeaseOutcome in
                var taken: Int64?
                try db.query("""
                    INSERT INTO hackwatch_leader AS l (id, holder, epoch, expires_at, acquired_at)
                    VALUES (1, $1, 1, clock_timestamp() + $2::interval, clock_timestamp())
                    ON CONFLICT (id) DO UPDATE SET
                        epoch = CASE WHEN l.holder = EXCLUDED.holder AND l.expires_at > clock_timestamp() THEN l.epoch ELSE l.epoch + 1 END,
                        acquired_at = CASE WHEN l.holder = EXCLUDED.holder AND l.expires_at > clock_timestamp() THEN l.acquired_at ELSE clock_timestamp() END,
                        holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
                    WHERE l.holder = EXCLUDED.holder OR l.expires_at <= clock_timestamp()
                    RETURNING epoch
                    """, [.text(holder), .text(interval)]) { row in taken = row.int(0) }
                guard let taken else {
                    var current: LeaderLease?
                    try db.query(Self.leaderQuery) { row in current = Self.leaderLease(row) }
                    guard let current else { throw StoreError.notLeader(detail: "the lease row is missing") }
                    return .standby(current)
                }
                // The term's row exists from its first acquisition on: inserting it tells a new term.
                let newTerm = try db.query("""
                    INSERT INTO hackwatch_terms (epoch, holder, started_at) VALUES ($1, $2, clock_timestamp())
                    ON CONFLICT (epoch) DO NOTHING
                    """, [.integer(taken), .text(holder)]) == 1
                if newTerm {
                    // Claimed by an older term and never finished: sent at most once more, by this term.
                    try db.query("UPDATE outbox SET status = 'pending', claim_epoch = NULL WHERE status = 'sending' AND claim_epoch < $1",
                                 [.integer(taken)])
                }
                return .leader(epoch: taken, newTerm: newTerm)
            }
            switch outcome {
            case .leader(let epoch, _): lease = HeldLease(epoch: epoch, validUntil: sent + UInt64(leaseSeconds * 1e9))
            case .standby: lease = nil
            }
            return outcome
        }
    }

    /// Whether this instance may act as leader now, by its own monotonic clock (no round trip):
    /// it acquired or renewed the lease less than a lease ago.
    package var holdsLease: Bool {
        lock.withLock { lease.map { DispatchTime.now().uptimeNanoseconds < $0.validUntil } ?? false }
    }

    /// The epoch of the lease this instance holds, if it holds one.
    package var heldEpoch: Int64? {
        lock.withLock { lease.flatMap { DispatchTime.now().uptimeNanoseconds < $0.validUntil ? $0.epoch : nil } }
    }

    /// Forgets the lease locally (the daemon saw it lapse); the row is left to expire.
    package func dropLease() { lock.withLock { lease = nil } }

    /// Ends this instance's lease now (a clean stop), so a standby takes over at its next check.
    package func releaseLease() throws(StoreError) {
        try locked { (db) throws(StoreError) in
            try db.query("UPDATE hackwatch_leader SET expires_at = clock_timestamp() WHERE id = 1 AND holder = $1", [.text(holder)])
            lease = nil
        }
    }

    /// The lease row as it is now, if any instance ever led.
    package func currentLeader() throws(StoreError) -> LeaderLease? {
        try locked { (db) throws(StoreError) in
            var current: LeaderLease?
            try db.query(Self.leaderQuery) { row in current = Self.leaderLease(row) }
            return current
        }
    }

    static let leaderQuery = """
        SELECT holder, epoch, extract(epoch FROM expires_at)::double precision, expires_at <= clock_timestamp()
        FROM hackwatch_leader WHERE id = 1
        """

    static func leaderLease(_ row: PGRow) -> LeaderLease {
        LeaderLease(holder: row.string(0) ?? "", epoch: row.int(1), expiresAt: row.date(2) ?? Date(), expired: row.bool(3))
    }

    /// Runs `body` in ONE transaction that first checks, on the database's clock, that this
    /// instance still holds the lease in its epoch, and locks the row against a takeover until
    /// the commit; rolls back with `.notLeader` otherwise. Every state-changing call goes here.
    func fenced<T>(_ body: (PGConnection, Int64) throws(StoreError) -> T) throws(StoreError) -> T {
        try locked { (db) throws(StoreError) in
            guard let held = lease else { throw StoreError.notLeader(detail: "this instance holds no lease (standby)") }
            guard DispatchTime.now().uptimeNanoseconds < held.validUntil else {
                throw StoreError.notLeader(detail: "the lease of epoch \(held.epoch) may have lapsed by this instance's clock")
            }
            return try db.transaction { () throws(StoreError) -> T in
                var ok = false
                try db.query("""
                    WITH l AS (SELECT epoch FROM hackwatch_leader
                               WHERE id = 1 AND holder = $1 AND epoch = $2 AND expires_at > clock_timestamp() FOR SHARE)
                    UPDATE hackwatch_terms SET last_write_at = clock_timestamp(), writes = writes + 1
                    WHERE epoch IN (SELECT epoch FROM l) RETURNING epoch
                    """, [.text(holder), .integer(held.epoch)]) { _ in ok = true }
                guard ok else {
                    throw StoreError.notLeader(detail: "the lease of epoch \(held.epoch) was lost (expired or taken over)")
                }
                return try body(db, held.epoch)
            }
        }
    }
}
