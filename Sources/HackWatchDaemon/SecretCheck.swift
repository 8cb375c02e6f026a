import Foundation
import HackWatchConfiguration
import HackWatchNotify

/// What `check` can see of the enabled sinks' secrets without printing them: an unset
/// `url_env`, a missing or unreadable `url_file` — the errors `run` would stop on with 78.
package struct SecretCheck: Sendable, Equatable {
    /// Problems `run` would refuse to start with, as `run` words them.
    package var errors: [String] = []
    /// Secrets that cannot be checked here (a `$CREDENTIALS_DIRECTORY` file outside systemd).
    package var warnings: [String] = []

    /// Resolves each enabled sink's `url…` and `secret…` source as `run` would; the values are
    /// read and dropped.
    package static func run(_ config: HackWatchConfig,
                            environment: [String: String] = ProcessInfo.processInfo.environment) -> SecretCheck {
        var check = SecretCheck()
        for sink in config.sinks where sink.enabled {
            for (key, source) in [("url_file", sink.url), ("secret_file", sink.secret)] {
                guard let source else { continue }
                if source.needsCredentialsDirectory(environment: environment) {
                    check.warnings.append("sink '\(sink.name)': \(key) \(source.path): CREDENTIALS_DIRECTORY is not set here; "
                        + "only systemd sets it (LoadCredential=), so the file is checked when the service starts")
                    continue
                }
                do {
                    _ = try source.resolve(environment: environment)
                } catch {
                    check.errors.append(SinkError.secret(sink: sink.name, error: error).description)
                }
            }
        }
        return check
    }
}

extension SecretSource {
    /// The file path as written in the config (`.file` only).
    fileprivate var path: String {
        if case .file(let path) = self { return path }
        return ""
    }
}
