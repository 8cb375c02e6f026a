import Foundation
import Logging
import HackWatchConfiguration
import HackWatchNotify
import HackWatchRules
import HackWatchStore

/// The outbox worker's gate: silences from the state database (read at every drain, so one
/// added by `hackwatch silence add` in another process applies without a reload) and the
/// config's mute windows. A silence wins over a window; among windows, a `mute` over a `hold`.
package final class DeliveryControls: DeliveryGate, @unchecked Sendable {
    private let store: any StateStoring
    private let windows: [MuteWindow]
    private let logger: Logger
    private let lock = NSLock()
    /// Compiled silence conditions by silence id (a silence's condition never changes).
    private var compiled: [String: RuleCondition?] = [:]

    package init(store: any StateStoring, windows: [MuteWindow], logger: Logger) {
        self.store = store
        self.windows = windows
        self.logger = logger
    }

    package func prepare(now: Date) -> @Sendable (Delivery) -> GateVerdict {
        let silences: [(StoredSilence, RuleCondition)]
        do {
            silences = try store.silences(activeAt: now, includeExpired: false).compactMap { silence in
                condition(silence).map { (silence, $0) }
            }
        } catch {
            // Sending what a silence might have matched is better than holding every alert back.
            logger.error("outbox: cannot read silences; delivering without them: \(error)")
            silences = []
        }
        let open = windows.filter { $0.contains(now) }
        return { delivery in
            let alert = delivery.alert
            for (silence, condition) in silences where silence.sink == nil || silence.sink == delivery.sink {
                if condition.matches(alert.incident, now: now) { return .silence(silence.id) }
            }
            let attached = open.filter { $0.applies(sink: delivery.sink, rules: alert.rules, severity: alert.severity) }
            if let mute = attached.first(where: { $0.mode == .mute }) { return .silence("window:\(mute.name)") }
            if let hold = attached.first { return .hold(until: hold.end(after: now), window: hold.name) }
            return .send
        }
    }

    /// The silence's compiled condition; nil (logged once) if it no longer compiles (a newer
    /// build's field, a hand-edited row): that silence matches nothing.
    private func condition(_ silence: StoredSilence) -> RuleCondition? {
        lock.withLock {
            if let cached = compiled[silence.id] { return cached }
            let result = RuleCondition.compile(silence.match, label: "silence \(silence.id)")
            if result.condition == nil {
                logger.error("silence does not compile; it matches nothing", metadata: [
                    "silence": "\(silence.id)", "error": "\(result.diagnostics.map(\.rendered).joined(separator: "; "))",
                ])
            }
            compiled[silence.id] = result.condition
            return result.condition
        }
    }
}
