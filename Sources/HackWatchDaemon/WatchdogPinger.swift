import Dispatch
import Foundation

/// Sends `WATCHDOG=1` on a Dispatch timer every `interval` (half of `WATCHDOG_USEC`).
///
/// The pings run on the daemon's control queue, so a wedged control loop stops them and
/// systemd restarts the service — the point of a watchdog. Feeds poll on their own queues and
/// cannot starve it.
package final class WatchdogPinger: @unchecked Sendable {
    private let notifier: SystemdNotifier
    private let interval: TimeInterval
    private var timer: DispatchSourceTimer?
    private let lock = NSLock()

    /// A pinger for `notifier` every `interval` seconds.
    package init(notifier: SystemdNotifier, interval: TimeInterval) {
        self.notifier = notifier
        self.interval = interval
    }

    /// Pings once now, then every `interval` on `queue`.
    package func start(queue: DispatchQueue) {
        let source = DispatchSource.makeTimerSource(queue: queue)
        source.schedule(deadline: .now(), repeating: interval, leeway: .milliseconds(Int(interval * 50)))
        source.setEventHandler { [notifier] in notifier.watchdog() }
        lock.withLock { timer?.cancel(); timer = source }
        source.resume()
    }

    /// Stops pinging.
    package func stop() {
        lock.withLock { timer?.cancel(); timer = nil }
    }
}
