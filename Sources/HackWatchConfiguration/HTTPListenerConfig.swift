import Foundation
import HackWatchModel

/// The optional HTTP listener (`"http": {...}`): metrics, health, the JSON API and the status page.
/// Absent from the config: no listener.
package struct HTTPListenerConfig: Hashable, Sendable {
    /// Where the listener binds.
    package enum Address: Hashable, Sendable, CustomStringConvertible {
        /// A TCP address: an IPv4 address, a host name or an IPv6 address (without brackets).
        case tcp(host: String, port: Int)
        /// A unix domain socket path (absolute).
        case unix(path: String)

        package var description: String {
            switch self {
            case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
            case .unix(let path): "unix:\(path)"
            }
        }

        /// Parses `host:port`, `[v6]:port`, or a unix socket path (`/...` or `unix:/...`); nil when malformed.
        package static func parse(_ text: String) -> Address? {
            if text.hasPrefix("/") { return .unix(path: text) }
            if text.hasPrefix("unix:") {
                let path = String(text.dropFirst(5))
                return path.isEmpty ? nil : .unix(path: path)
            }
            let host: Substring, portText: Substring
            if text.hasPrefix("[") {
                guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
                host = text[text.index(after: text.startIndex)..<close]
                portText = text[text.index(close, offsetBy: 2)...]
                guard host.contains(":") else { return nil }
            } else {
                guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else { return nil }
                host = text[..<colon]
                portText = text[text.index(after: colon)...]
            }
            guard !host.isEmpty, let port = Int(portText), (0...65_535).contains(port), portText.allSatisfy(\.isNumber) else { return nil }
            return .tcp(host: String(host), port: port)
        }
    }

    /// The keys of the `http` object.
    package static let keys = ["listen", "token_file", "max_connections", "request_timeout", "max_body_bytes"]

    /// Where to listen.
    package var listen: Address
    /// The bearer token for write endpoints (`POST /-/reload`), read from this file when the
    /// daemon starts (like the listener's other settings, a change needs a restart); nil: write
    /// endpoints are disabled (403).
    package var tokenFile: SecretSource?
    /// Open connections served at once; more are closed at accept (default 64).
    package var maxConnections: Int
    /// A request's head and body must arrive within this (slowloris), and an idle keep-alive
    /// connection is closed after it (default 10s).
    package var requestTimeout: TimeSpan
    /// Request bodies larger than this are refused with 413 (default 64 KiB).
    package var maxBodyBytes: Int

    package init(listen: Address, tokenFile: SecretSource? = nil, maxConnections: Int = 64,
                requestTimeout: TimeSpan = TimeSpan(seconds: 10), maxBodyBytes: Int = 65_536) {
        self.listen = listen
        self.tokenFile = tokenFile
        self.maxConnections = maxConnections
        self.requestTimeout = requestTimeout
        self.maxBodyBytes = maxBodyBytes
    }
}
