import Foundation
import HackWatchFixtures
import Logging
@testable import HackWatchNotify

extension NotifyFixtures {
    static let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }()

    /// A fast policy for tests: 50 ms doubling to 400 ms.
    static let fastPolicy = RetryPolicy(initialDelay: 0.05, multiplier: 2, maxDelay: 0.4, jitter: 0.2)
}
