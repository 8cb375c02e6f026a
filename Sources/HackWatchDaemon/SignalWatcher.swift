import Dispatch
import Foundation

/// Delivers SIGHUP, SIGTERM and SIGINT as Dispatch events on a queue instead of async-signal
/// handlers, so reload and shutdown run as ordinary code (locks, logging, SQLite are all safe).
package final class SignalWatcher: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []

    /// Watches `signals`, calling `handler` with the signal number on `queue`.
    /// The default actions are disabled first (SIG_IGN), as Dispatch signal sources require.
    package init(signals: [Int32] = [SIGHUP, SIGTERM, SIGINT], queue: DispatchQueue,
                handler: @escaping @Sendable (Int32) -> Void) {
        for number in signals {
            signal(number, SIG_IGN)
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
