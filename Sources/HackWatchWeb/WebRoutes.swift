import Foundation
import Hummingbird
import Logging
import HackWatchModel
import HackWatchStore

/// Every endpoint (documented in docs/openapi.json and the README's "HTTP listener").
struct WebRoutes: Sendable {
    let provider: any WebStatusProviding
    let token: BearerToken?
    let logger: Logger

    /// Store reads and reloads block; they run here, not on an event loop or the cooperative pool.
    private static let work = DispatchQueue(label: "hackwatch.web", attributes: .concurrent)

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/-/healthy") { _, _ in Self.text(.ok, "hackwatch is healthy\n") }
        router.get("/-/ready") { _, _ in
            let (problems, role) = await offload { (provider.readinessProblems(), provider.role()) }
            // A standby is ready (it takes over on its own); a disconnected instance is not.
            return problems.isEmpty ? Self.text(.ok, "hackwatch is ready" + (role.map { " (\($0))" } ?? "") + "\n")
                : Self.text(.serviceUnavailable, "not ready: " + problems.joined(separator: "; ") + "\n")
        }
        router.post("/-/reload") { request, _ in
            if let refusal = authorize(request) { return refusal }
            let outcome = await offload { provider.reload() }
            return Self.json(outcome.accepted ? .ok : .internalServerError,
                             .object(["accepted": .bool(outcome.accepted), "message": .string(outcome.message)]))
        }
        router.get("/metrics") { _, _ in
            let text = await offload { provider.metricsText() }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("/api/v1/incidents") { request, _ in
            let query = request.uri.queryParameters
            let since: Date?
            if let text = query["since"] {
                guard let date = WebAPI.parseDate(String(text)) else {
                    return Self.json(.badRequest, WebAPI.error("since: expected an RFC 3339 date or unix seconds, got '\(text)'"))
                }
                since = date
            } else {
                since = nil
            }
            let limitText = query["limit"].map(String.init)
            guard let limit = WebAPI.parseLimit(limitText) else {
                return Self.json(.badRequest, WebAPI.error("limit: expected a whole number from 1 to \(WebAPI.maxLimit), got '\(limitText ?? "")'"))
            }
            return await withStore { store throws(StoreError) in Self.json(.ok, try WebAPI.incidents(store, since: since, limit: limit)) }
        }
        router.get("/api/v1/incidents/:ref") { _, context in
            let ref = context.parameters.get("ref") ?? ""
            return await withStore { store throws(StoreError) in
                guard let found = try WebAPI.incident(store, ref: ref) else {
                    return Self.json(.notFound, WebAPI.error("no incident with ref '\(ref)'"))
                }
                return Self.json(.ok, found)
            }
        }
        router.get("/api/v1/alerts") { request, _ in
            let status = request.uri.queryParameters["status"].map(String.init)
            if let status, !WebAPI.outboxStates.contains(status) {
                return Self.json(.badRequest, WebAPI.error("status: expected one of \(WebAPI.outboxStates.joined(separator: ", ")), got '\(status)'"))
            }
            let limitText = request.uri.queryParameters["limit"].map(String.init)
            guard let limit = WebAPI.parseLimit(limitText) else {
                return Self.json(.badRequest, WebAPI.error("limit: expected a whole number from 1 to \(WebAPI.maxLimit), got '\(limitText ?? "")'"))
            }
            return await withStore { store throws(StoreError) in Self.json(.ok, try WebAPI.alerts(store, status: status, limit: limit)) }
        }
        router.get("/api/v1/feeds") { _, _ in
            await withStore { store throws(StoreError) in Self.json(.ok, try WebAPI.feeds(store, feeds: provider.feeds())) }
        }
        router.get("/") { _, _ in
            await withStore { store throws(StoreError) in
                let html = try StatusPage.render(store, feeds: provider.feeds(), readiness: provider.readinessProblems())
                return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8",
                                                      .init("Content-Security-Policy")!: "default-src 'none'; style-src 'unsafe-inline'"],
                                body: .init(byteBuffer: ByteBuffer(string: html)))
            }
        }
        return router
    }

    /// nil when the request may write; else the refusal: 403 when no token is configured (write
    /// endpoints disabled), 401 when the bearer token is missing or wrong.
    private func authorize(_ request: Request) -> Response? {
        guard let token else {
            return Self.json(.forbidden, WebAPI.error("write endpoints are disabled: set http.token_file to enable them"))
        }
        guard token.accepts(authorization: request.headers[.authorization]) else {
            var response = Self.json(.unauthorized, WebAPI.error("missing or wrong bearer token"))
            response.headers[.wwwAuthenticate] = "Bearer realm=\"hackwatch\""
            return response
        }
        return nil
    }

    private func offload<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Self.work.async { continuation.resume(returning: body()) }
        }
    }

    /// Runs `body` on the work queue with the open store: 503 while it is not open yet, 500 when a read fails.
    private func withStore(_ body: @escaping @Sendable (any StateStoring) throws(StoreError) -> Response) async -> Response {
        await offload {
            guard let store = provider.store else {
                return Self.json(.serviceUnavailable, WebAPI.error("starting: the state database is not open yet"))
            }
            do throws(StoreError) {
                return try body(store)
            } catch {
                return Self.json(.internalServerError, WebAPI.error("cannot read the state database: \(error)"))
            }
        }
    }

    static func json(_ status: HTTPResponse.Status, _ value: JSONValue) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(string: value.serialized() + "\n")))
    }

    static func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
