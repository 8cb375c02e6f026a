import Foundation
import HackWatch
import Testing

@Suite struct SignalWatcherTests {
    @Test func deliversSignalsOnTheQueue() {
        final class Seen: @unchecked Sendable {
            let lock = NSLock()
            var signals: [Int32] = []
        }
        let seen = Seen()
        // SIGUSR2: never sent to the test process by anything else.
        let watcher = SignalWatcher(signals: [SIGUSR2], queue: DispatchQueue(label: "test.signals")) { number in
            seen.lock.withLock { seen.signals.append(number) }
        }
        defer { watcher.cancel() }
        kill(getpid(), SIGUSR2)
        let deadline = Date().addingTimeInterval(5)
        while seen.lock.withLock({ seen.signals.isEmpty }) && Date() < deadline { usleep(10_000) }
        #expect(seen.lock.withLock { seen.signals } == [SIGUSR2])
    }
}
