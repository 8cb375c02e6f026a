import Foundation

/// A mutual-exclusion lock granted in arrival order (a ticket lock on a condition variable).
///
/// Why not `NSLock`: a pthread mutex is not fair. A big feed that releases the correlation
/// lock between chunks and takes it again at once almost always wins it back, so a small feed
/// waiting for it waited the whole 283k-record poll (a 29 s gap in a 1 s feed's polls). With
/// tickets, a waiting feed gets the lock at the end of the current chunk.
final class FairLock: @unchecked Sendable {
    private let condition = NSCondition()
    private var nextTicket: UInt64 = 0
    private var serving: UInt64 = 0

    /// Callers waiting for their turn (not counting the holder).
    var waiting: Int {
        condition.lock()
        defer { condition.unlock() }
        return Int(nextTicket - serving) - 1 < 0 ? 0 : Int(nextTicket - serving) - 1
    }

    /// Runs `body` holding the lock, after every caller that asked for it earlier.
    func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        condition.lock()
        let ticket = nextTicket
        nextTicket += 1
        while serving != ticket { condition.wait() }
        condition.unlock()
        defer {
            condition.lock()
            serving += 1
            condition.broadcast()
            condition.unlock()
        }
        return try body()
    }
}
