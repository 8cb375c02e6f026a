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
    /// Forwarded too: the protocol's default (1) would quietly turn a sink's pool of senders
    /// into one sender in the daemon (issue 19: the 1,000-alert fan-out used one connection).
    var senders: Int { base.senders }

    func send(_ alert: Alert) -> SinkResult { send(alert, thread: nil).result }

    /// Forwards the threaded send (an update goes where the story's first message is), which the
    /// outbox worker calls: the protocol's default would drop the thread reference.
    func send(_ alert: Alert, thread: String?) -> SinkReply {
        let start = DispatchTime.now().uptimeNanoseconds
        let reply = base.send(alert, thread: thread)
        metrics.observeDelivery(sink: base.name, seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        return reply
    }

    /// Every sink of a runtime, timed.
    static func wrap(_ sinks: [String: any Sink], metrics: LiveMetrics) -> [String: any Sink] {
        sinks.mapValues { TimedSink(base: $0, metrics: metrics) }
    }
}
