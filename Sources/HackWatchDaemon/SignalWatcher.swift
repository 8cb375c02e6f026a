import Dispatch
import Foundation

/// Delivers SIGHUP, SIGTERM and SIGINT as Dispatch events on a queue instead of async-signal
/// handlers, so reload and shutdown run as ordinary code (locks, logging, SQLite are all safe).
package final class SignalWatcher: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []

    /// Watches `signals`, calling `handler` with the signal number on `queue`.
    ///
    /// The signals must already be blocked in every thread (`blockInCurrentThread`): Dispatch reads
    /// them through a signalfd, which also returns a signal that was pending before it existed.
    /// The disposition is set to a no-op handler rather than `SIG_IGN`, because installing
    /// `SIG_IGN` discards a pending signal: a SIGTERM that came during start-up, or in the instant
    /// between two of these calls, would be lost (an end-to-end test caught one in seven such
    /// SIGTERMs being ignored). A thread that has them unblocked still swallows them, as before.
    package init(signals: [Int32] = [SIGHUP, SIGTERM, SIGINT], queue: DispatchQueue,
                handler: @escaping @Sendable (Int32) -> Void) {
        for number in signals {
            signal(number) { _ in }
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { handler(number) }
            source.resume()
            sources.append(source)
        }
    }

    /// Blocks `signals` in the calling thread; threads created afterwards inherit the mask.
    ///
    /// On Linux, Dispatch reads signals through a signalfd, which only sees signals no thread
    /// takes first; a thread with them unblocked and `SIG_IGN` installed would swallow them.
    /// Call this first thing in `main`, before anything starts a thread.
    package static func blockInCurrentThread(_ signals: [Int32] = [SIGHUP, SIGTERM, SIGINT]) {
        var set = sigset_t()
        sigemptyset(&set)
        for number in signals { sigaddset(&set, number) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Stops watching; the signals stay ignored.
    package func cancel() {
        for source in sources { source.cancel() }
        sources.removeAll()
    }

    deinit { cancel() }
}

/// Signals caught from the first moment of `run`, before the daemon exists to act on them: a
/// SIGTERM during the config, rules and database load (systemd stopping a unit that is still
/// starting) is kept and handed to the daemon when it `attach`es, instead of being discarded.
package final class SignalRelay: @unchecked Sendable {
    private let lock = NSLock()
    private var pending: [Int32] = []
    private var target: (@Sendable (Int32) -> Void)?
    private var watcher: SignalWatcher?

    /// Starts watching `signals` now (call after `SignalWatcher.blockInCurrentThread`).
    package init(signals: [Int32] = [SIGHUP, SIGTERM, SIGINT]) {
        let queue = DispatchQueue(label: "hackwatch.signals")
        watcher = SignalWatcher(signals: signals, queue: queue) { [weak self] number in self?.deliver(number) }
    }

    private func deliver(_ number: Int32) {
        let handler = lock.withLock { () -> (@Sendable (Int32) -> Void)? in
            if target == nil { pending.append(number) }
            return target
        }
        handler?(number)
    }

    /// Whether a signal arrived with no handler attached yet.
    package var hasPending: Bool { lock.withLock { !pending.isEmpty } }

    /// From now on signals go to `handler`; those that came before are delivered first, in order.
    package func attach(_ handler: @escaping @Sendable (Int32) -> Void) {
        let earlier = lock.withLock { () -> [Int32] in
            target = handler
            defer { pending.removeAll() }
            return pending
        }
        for number in earlier { handler(number) }
    }

    /// Stops watching.
    package func cancel() {
        lock.withLock { watcher }?.cancel()
    }
}
