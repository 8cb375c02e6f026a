import Dispatch
import Foundation
import HackWatchConfiguration

/// How one poll went, as far as scheduling cares.
package enum PollResult: Sendable, Hashable {
    /// The server answered (200 or 304): back to the normal interval.
    case succeeded
    /// The poll failed: back off.
    case failed
}

/// One Dispatch timer per feed, each on its own serial queue: a slow or hanging feed only ever
/// delays itself. Timers are one-shot and re-armed after each poll, so the next delay can follow
/// the feed's backoff (interval while healthy, doubling after failures, jittered, with leeway).
package final class FeedScheduler: @unchecked Sendable {
    /// Polls one feed; runs on that feed's queue, may block (libcurl is synchronous).
    package typealias Poll = @Sendable (FeedConfig) -> PollResult

    private final class Slot: @unchecked Sendable {
        let feed: FeedConfig
        let queue: DispatchQueue
        let timer: DispatchSourceTimer
        let backoff: PollBackoff
        var consecutiveFailures: Int
        init(feed: FeedConfig, queue: DispatchQueue, timer: DispatchSourceTimer, backoff: PollBackoff, failures: Int) {
            self.feed = feed
            self.queue = queue
            self.timer = timer
            self.backoff = backoff
            self.consecutiveFailures = failures
        }
    }

    private let lock = NSLock()
    private var slots: [String: Slot] = [:]
    private var stopped = false
    private let poll: Poll
    private let backoffCap: TimeInterval

    /// A scheduler calling `poll`; failing feeds wait at most `backoffCap` between polls.
    package init(backoffCap: TimeInterval = 3600, poll: @escaping Poll) {
        self.poll = poll
        self.backoffCap = backoffCap
    }

    /// Names of the feeds being polled.
    package var feedNames: [String] { lock.withLock { slots.keys.sorted() } }

    /// Starts polling `feed`: first poll after `initialDelay` (0 on start-up: poll at once), then
    /// at its interval. `failures` restores a failing feed's backoff after a restart or reload.
    package func add(_ feed: FeedConfig, initialDelay: TimeInterval = 0, failures: Int = 0) {
        let queue = DispatchQueue(label: "hackwatch.feed.\(feed.name)")
        let timer = DispatchSource.makeTimerSource(queue: queue)
        let slot = Slot(feed: feed, queue: queue, timer: timer,
                        backoff: PollBackoff(interval: feed.interval.seconds, cap: backoffCap), failures: failures)
        let replaced: Slot? = lock.withLock {
            guard !stopped else { return nil }
            defer { slots[feed.name] = slot }
            return slots[feed.name]
        }
        replaced?.timer.cancel()
        timer.setEventHandler { [weak self, weak slot] in
            guard let self, let slot else { return }
            self.fire(slot)
        }
        arm(slot, delay: initialDelay)
        timer.resume()
    }

    /// Stops polling `name` (an in-flight poll finishes).
    package func remove(_ name: String) {
        let slot = lock.withLock { slots.removeValue(forKey: name) }
        slot?.timer.cancel()
    }

    /// Cancels every timer and waits up to `timeout` for in-flight polls to return.
    /// Returns false when some poll was still running at the deadline.
    @discardableResult
    package func stop(timeout: TimeInterval = 10) -> Bool {
        let all: [Slot] = lock.withLock {
            stopped = true
            defer { slots.removeAll() }
            return Array(slots.values)
        }
        let group = DispatchGroup()
        for slot in all {
            slot.timer.cancel()
            // A block queued behind the in-flight poll runs when it returns.
            slot.queue.async(group: group) {}
        }
        return group.wait(timeout: .now() + timeout) == .success
    }

    private func fire(_ slot: Slot) {
        guard lock.withLock({ !stopped && slots[slot.feed.name] === slot }) else { return }
        let result = poll(slot.feed)
        slot.consecutiveFailures = result == .succeeded ? 0 : slot.consecutiveFailures + 1
        guard lock.withLock({ !stopped && slots[slot.feed.name] === slot }) else { return }
        arm(slot, delay: slot.backoff.delay(consecutiveFailures: slot.consecutiveFailures))
    }

    private func arm(_ slot: Slot, delay: TimeInterval) {
        let leeway = slot.backoff.leeway(for: delay)
        slot.timer.schedule(deadline: .now() + max(delay, 0), repeating: .never,
                            leeway: .milliseconds(Int(leeway * 1000)))
    }
}
