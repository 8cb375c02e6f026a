import Foundation
import HackWatchConfiguration
import HackWatchModel

/// One destination alerts are delivered to (Slack, syslog, …), as Alertmanager's notifiers:
/// a sink turns an alert into its destination's format and reports what happened. It never
/// retries by itself; the `OutboxWorker` does, under the shared `RetryPolicy`.
package protocol Sink: Sendable {
    /// The sink's name in the config.
    var name: String { get }
    /// Sends one alert once and says whether it arrived, may arrive later, or never will.
    func send(_ alert: Alert) -> SinkResult
    /// The least time between two sends to this destination (its rate limit); 0 for none.
    var minimumInterval: TimeInterval { get }
    /// How many deliveries to this destination may be in flight at once (each on its own thread
    /// and libcurl handle); 1 keeps them strictly in firing order.
    var senders: Int { get }
    /// Sends one message of an incident's story. `thread` is what the destination returned for
    /// the story's first message (nil for a first message, or when it returned nothing); the
    /// reply's `reference` is kept for the updates (README "Incidents and updates").
    func send(_ alert: Alert, thread: String?) -> SinkReply
}

extension Sink {
    package var minimumInterval: TimeInterval { 0 }
    package var senders: Int { 1 }

    /// Destinations without threads: an update is a new message that names the first
    /// (`MessageTemplate` marks it).
    package func send(_ alert: Alert, thread: String?) -> SinkReply { SinkReply(send(alert)) }
}

/// The outcome of one send and what the destination returned to thread updates to (Telegram
/// `message_id`, Discord message id, Slack `ts`).
package struct SinkReply: Sendable, Equatable {
    package var result: SinkResult
    package var reference: String?

    package init(_ result: SinkResult, reference: String? = nil) {
        self.result = result
        self.reference = reference
    }
}

/// The outcome of one send.
package enum SinkResult: Sendable, Equatable {
    /// The destination acknowledged the alert (2xx, or a completed local write).
    case delivered
    /// A transient failure (429, 5xx, timeout, connection): try again, no sooner than `after`
    /// seconds when the destination said so (Retry-After, Discord/Telegram body hints).
    case retry(after: TimeInterval?, reason: String)
    /// A permanent failure (4xx, bad payload, unusable config): never retried.
    case dead(reason: String)
}

/// Why a sink could not be built from its config. Messages never contain secrets.
package enum SinkError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `type` is not one of `SinkFactory.types`.
    case unknownType(sink: String, type: String)
    /// A key the sink type needs is absent.
    case missingKey(sink: String, key: String)
    /// A key has a value the sink type cannot use.
    case invalidValue(sink: String, key: String, message: String)
    /// A secret (`url_env`, `secret_file`, …) could not be read.
    case secret(sink: String, error: SecretError)

    package var description: String {
        switch self {
        case .unknownType(let sink, let type): "sink '\(sink)': unknown type '\(type)'"
        case .missingKey(let sink, let key): "sink '\(sink)': missing '\(key)'"
        case .invalidValue(let sink, let key, let message): "sink '\(sink)': \(key): \(message)"
        case .secret(let sink, let error): "sink '\(sink)': \(error)"
        }
    }
}
