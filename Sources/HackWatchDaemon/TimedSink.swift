import Foundation
import HackWatchModel
import HackWatchNotify
import HackWatchWeb

/// A sink that records how long each send took (`hackwatch_delivery_latency_seconds`), so the
/// outbox worker needs no metrics of its own.
struct TimedSink: Sink {
    let base: any Sink
    let metrics: LiveMetrics

    var name: String { base.name }
    var minimumInterval: TimeInterval { base.minimumInterval }

    func send(_ alert: Alert) -> SinkResult {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = base.send(alert)
        metrics.observeDelivery(sink: base.name, seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        return result
    }

    /// Every sink of a runtime, timed.
    static func wrap(_ sinks: [String: any Sink], metrics: LiveMetrics) -> [String: any Sink] {
        sinks.mapValues { TimedSink(base: $0, metrics: metrics) }
    }
}
