import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import HackWatchConfiguration

/// Why the listener could not start.
package enum WebServerError: Error, CustomStringConvertible, Equatable {
    /// Binding the address failed (in use, no permission, bad host).
    case cannotListen(address: String, reason: String)
    /// The token file could not be read.
    case token(String)

    package var description: String {
        switch self {
        case .cannotListen(let address, let reason): "http.listen \(address): cannot listen: \(reason)"
        case .token(let reason): "http.token_file: \(reason)"
        }
    }
}

/// The optional HTTP listener, on Hummingbird 2 (SwiftNIO event loops: its own threads, so a
/// slow client never holds a feed's poll queue or the outbox).
///
/// Blocking work (SQLite reads, reload) runs on a separate dispatch queue, never on the event
/// loops or Swift's cooperative pool. Limits: `max_connections` open at once (more wait in the
/// kernel's backlog), `request_timeout` per request, `max_body_bytes`, 80 KiB of headers
/// (SwiftNIO's parser limit; larger is 400 and closed).
package final class WebServer: @unchecked Sendable {
    private let config: HTTPListenerConfig
    private let routes: WebRoutes
    private let logger: Logger
    private var task: Task<Void, any Error>?
    private let lock = NSLock()
    /// The bound address as the kernel reports it (host:port, or the socket path).
    package private(set) var boundAddress: String?

    /// A listener for `config`; `token` enables the write endpoints.
    package init(config: HTTPListenerConfig, token: BearerToken?, provider: any WebStatusProviding, logger: Logger) {
        self.config = config
        self.routes = WebRoutes(provider: provider, token: token, logger: logger)
        self.logger = logger
    }

    /// Reads `token_file` (nil when none is configured).
    package static func readToken(_ config: HTTPListenerConfig, environment: [String: String]) throws(WebServerError) -> BearerToken? {
        guard let source = config.tokenFile else { return nil }
        do {
            return BearerToken(try source.resolve(environment: environment))
        } catch {
            throw .token("\(error)")
        }
    }

    /// Binds and starts serving; throws when the address cannot be bound (within 10 s).
    package func start() throws(WebServerError) {
        let address: BindAddress
        switch config.listen {
        case .tcp(let host, let port): address = .hostname(host, port: port)
        case .unix(let path):
            // A socket left by a previous run would make bind fail with EADDRINUSE.
            var info = stat()
            if lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFSOCK { unlink(path) }
            address = .unixDomainSocket(path: path)
        }
        let limits = (timeout: TimeAmount.nanoseconds(Int64(config.requestTimeout.seconds * 1e9)), body: config.maxBodyBytes)
        let server = HTTPServerBuilder.http1(configuration: .init(
            additionalChannelHandlers: [RequestLimitsHandler(timeout: limits.timeout, maxBodyBytes: limits.body)],
            idleTimeout: limits.timeout))
        // Hummingbird's own logging stays out of the daemon's: it logs a cancelled child channel at
        // shutdown as an error, and bind failures come back to `start` as errors anyway. (Setting
        // a level on a copy of the daemon's logger would change the daemon's shared level.)
        let quiet = Logger(label: "hackwatch.http") { _ in SwiftLogNoOpLogHandler() }
        let started = DispatchSemaphore(value: 0)
        let bound = BoundBox()
        let app = Application(
            router: routes.router(), server: server,
            configuration: .init(address: address, serverName: nil, backlog: 256,
                                 availableConnectionsDelegate: MaximumAvailableConnections(config.maxConnections, logger: quiet)),
            onServerRunning: { channel in
                bound.set(channel.localAddress.map(Self.describe))
                started.signal()
            },
            logger: quiet)
        let task = Task {
            do { try await app.run() } catch {
                bound.fail("\(error)")
                started.signal()
                throw error
            }
        }
        lock.withLock { self.task = task }
        if started.wait(timeout: .now() + 10) == .timedOut {
            task.cancel()
            throw .cannotListen(address: config.listen.description, reason: "timed out")
        }
        if let failure = bound.failure {
            throw .cannotListen(address: config.listen.description, reason: failure)
        }
        boundAddress = bound.address
        logger.info("http listening", metadata: ["address": "\(bound.address ?? config.listen.description)"])
    }

    /// Stops listening and closes open connections (waits up to 2 s).
    package func stop() {
        guard let task = lock.withLock({ () -> Task<Void, any Error>? in defer { self.task = nil }; return self.task }) else { return }
        task.cancel()
        let done = DispatchSemaphore(value: 0)
        Task { _ = await task.result; done.signal() }
        _ = done.wait(timeout: .now() + 2)
        if case .unix(let path) = config.listen { unlink(path) }
    }

    private static func describe(_ address: SocketAddress) -> String {
        if let path = address.pathname { return path }
        let host = address.ipAddress ?? "?"
        let port = address.port.map(String.init) ?? "?"
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Hands the bound address or the failure from the server task to `start`.
    private final class BoundBox: @unchecked Sendable {
        private let lock = NSLock()
        private var _address: String?
        private var _failure: String?
        func set(_ address: String?) { lock.withLock { _address = address } }
        func fail(_ reason: String) { lock.withLock { _failure = reason } }
        var address: String? { lock.withLock { _address } }
        var failure: String? { lock.withLock { _failure } }
    }
}
