import Foundation
import HackWatchStore

/// What a gate decides for one due delivery.
package enum GateVerdict: Sendable, Hashable {
    /// Send it now.
    case send
    /// Record it as silenced (never sent) by this silence id, or `window:NAME` for a mute window.
    case silence(String)
    /// Keep it back until the hold window `window` ends.
    case hold(until: Date, window: String)
}

/// Silences and mute windows, as the outbox worker sees them: it asks once per drain (so a
/// silence another process added takes effect at the next drain, without a reload) and then
/// for each due delivery before it is sent. The daemon implements it where config and store live.
package protocol DeliveryGate: Sendable {
    /// Reads what decides (active silences, the windows at `now`) and returns the per-row check.
    func prepare(now: Date) -> @Sendable (Delivery) -> GateVerdict
}

extension OutboxWorker {
    /// Applies `decide` to one drain's batch: silenced and held rows are recorded and left out,
    /// the rest returned to be sent. Rows already acknowledged (outcome not yet stored) were sent:
    /// they pass untouched. A store that refuses the outcome leaves the row pending, unsent.
    func gated(_ batch: [Delivery], _ decide: (@Sendable (Delivery) -> GateVerdict)?, store: any StateStoring,
               stats: inout DrainStats) -> [Delivery] {
        guard let decide else { return batch }
        let acknowledged = state.unstoredAcknowledgements
        return batch.filter { row in
            if acknowledged.contains(row.id) { return true }
            do throws(StoreError) {
                switch decide(row) {
                case .send:
                    return true
                case .silence(let by):
                    try store.markSilenced(row.id, silence: by)
                    stats.silenced += 1
                    logger.info("delivery silenced", metadata: ["alert": "\(row.alert.id)", "sink": "\(row.sink)", "by": "\(by)"])
                case .hold(let until, let window):
                    try store.markHeld(row.id, until: until, window: window)
                    stats.held += 1
                    logger.info("delivery held", metadata: [
                        "alert": "\(row.alert.id)", "sink": "\(row.sink)", "window": "\(window)",
                        "until": "\(until.formatted(.iso8601))",
                    ])
                }
            } catch {
                logger.error("outbox: cannot record a silenced or held delivery: \(error)", metadata: ["sink": "\(row.sink)"])
                stats.deferred += 1
            }
            return false
        }
    }
}
