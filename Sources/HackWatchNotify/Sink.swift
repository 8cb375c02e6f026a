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
}

extension Sink {
    package var minimumInterval: TimeInterval { 0 }
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
