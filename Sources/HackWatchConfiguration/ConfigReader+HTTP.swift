import Foundation
import HackWatchModel

extension ConfigReader {
    /// The `http` object; nil when absent or invalid (problems reported).
    mutating func httpListener(_ members: [String: JSONValue], at root: ConfigPath, resolver: PathResolver) -> HTTPListenerConfig? {
        guard let value = members["http"] else { return nil }
        let path = root.key("http")
        guard let object = object(value, at: path) else { return nil }
        rejectUnknownKeys(object, known: HTTPListenerConfig.keys, at: path)
        guard let listenText = string(object, "listen", at: path, required: true) else { return nil }
        guard var address = HTTPListenerConfig.Address.parse(listenText) else {
            report(path.key("listen"), "invalid listen address '\(listenText)'; use host:port (127.0.0.1:9464, [::1]:9464) or a unix socket path")
            return nil
        }
        if case .unix(let socket) = address { address = .unix(path: resolver.resolve(socket)) }
        var config = HTTPListenerConfig(listen: address)
        if let file = string(object, "token_file", at: path) {
            // `$CREDENTIALS_DIRECTORY/...` expands when read, as for `url_file`.
            config.tokenFile = .file(file.hasPrefix("$") ? file : resolver.resolve(file))
        }
        config.maxConnections = positiveInteger(object, "max_connections", at: path) ?? config.maxConnections
        config.requestTimeout = duration(object, "request_timeout", at: path, positive: true) ?? config.requestTimeout
        config.maxBodyBytes = positiveInteger(object, "max_body_bytes", at: path) ?? config.maxBodyBytes
        return config
    }
}
