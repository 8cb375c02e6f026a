import Foundation
import Logging
import HackWatchModel
import HackWatchStore

extension FeedPoller {
    /// Evaluates the aggregate rules (after a poll brought new or changed incidents, and on the
    /// daemon's aggregate timer) under the correlation lock, so a poll and the timer never
    /// evaluate at once. Store failures are logged; the next evaluation retries.
    package func evaluateAggregates(runtime: DaemonRuntime, now: Date = Date()) -> [Alert] {
        guard runtime.ruleSet.aggregates.contains(where: \.enabled) else { return [] }
        do {
            let alerts = try processingLock.withLock { () throws(StoreError) -> [Alert] in
                try AggregateRunner(store: store).run(runtime: runtime, now: now)
            }
            for alert in alerts {
                logger.notice("aggregate fired", metadata: ["aggregate": "\(alert.rule)", "id": "\(alert.id)"])
            }
            return alerts
        } catch {
            logger.error("cannot evaluate aggregate rules", metadata: ["error": "\(error)"])
            return []
        }
    }
}
