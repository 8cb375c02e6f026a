// What the loopback server received, and what it should answer.
import Foundation

/// One HTTP request as the loopback server received it.
public struct RecordedRequest: Sendable {
    /// The request method, e.g. `GET`.
    public let method: String
    /// The raw request target: `/path?query`, or `http://host/path` when sent to a proxy.
    public let target: String
    /// The path of the target (absolute-form targets lose their scheme and authority).
    public let path: String
    /// The query string without `?`, if any.
    public let query: String?
    /// Headers in the order received, names as sent.
    public let headers: [(name: String, value: String)]
    /// The body (Content-Length bytes).
    public let body: [UInt8]

    public init(method: String, target: String, headers: [(name: String, value: String)], body: [UInt8]) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
        var origin = Substring(target)
        if let scheme = origin.range(of: "://") {
            let afterScheme = origin[scheme.upperBound...]
            origin = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }).map { afterScheme[$0...] } ?? "/"
        }
        if let mark = origin.firstIndex(of: "?") {
            path = String(origin[..<mark])
            query = String(origin[origin.index(after: mark)...])
        } else {
            path = String(origin)
            query = nil
        }
    }

    /// The first header named `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// Every value of the headers named `name` (case-insensitive).
    public func headerValues(_ name: String) -> [String] {
        headers.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map(\.value)
    }

    /// The body decoded as UTF-8 (invalid sequences replaced).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// How a streamed body tells the client where it ends.
public enum BodyFraming: Sendable {
    /// `Content-Length` announces the full size up front.
    case contentLength
    /// `Transfer-Encoding: chunked`.
    case chunked
    /// No length at all: the body ends when the server closes the connection.
    case untilClose
}

/// What the loopback server does with a request.
public indirect enum ServerReply: Sendable {
    /// A complete response; `Content-Length` and `Connection: close` are added unless given.
    case response(status: Int, headers: [(name: String, value: String)], body: [UInt8])
    /// `then`, after waiting `seconds` (cut short when the server stops).
    case delayed(seconds: Double, then: ServerReply)
    /// A body of `bytes` bytes of `x`, written `chunkSize` bytes at a time with `pause` seconds
    /// between writes, never held in memory as a whole (for size-limit and slow-body tests).
    case stream(status: Int, headers: [(name: String, value: String)], bytes: Int, chunkSize: Int,
                pause: Double, framing: BodyFraming)
    /// A redirect to `location` (absolute or relative).
    case redirect(status: Int, location: String)
    /// Closes the connection with a TCP RST (SO_LINGER 0) instead of answering.
    case reset
    /// Never answers; the connection stays open until the server stops.
    case hang
    /// Closes the connection cleanly without sending anything.
    case closeWithoutResponse

    /// A 200 (or `status`) response with a UTF-8 body.
    public static func text(_ body: String, status: Int = 200,
                            headers: [(name: String, value: String)] = []) -> ServerReply {
        .response(status: status, headers: headers, body: Array(body.utf8))
    }

    /// A response with a status and no body.
    public static func status(_ code: Int, headers: [(name: String, value: String)] = []) -> ServerReply {
        .response(status: code, headers: headers, body: [])
    }

    /// A `302 Found` to `location`.
    public static func redirect(to location: String) -> ServerReply {
        .redirect(status: 302, location: location)
    }

    /// A fast body of `bytes` bytes streamed in 64 KiB writes.
    public static func huge(bytes: Int, framing: BodyFraming) -> ServerReply {
        .stream(status: 200, headers: [], bytes: bytes, chunkSize: 64 << 10, pause: 0, framing: framing)
    }
}

/// Reason phrases for the status lines the tests use (any other code gets "Status").
func reasonPhrase(_ status: Int) -> String {
    switch status {
    case 200: "OK"
    case 201: "Created"
    case 204: "No Content"
    case 301: "Moved Permanently"
    case 302: "Found"
    case 303: "See Other"
    case 304: "Not Modified"
    case 307: "Temporary Redirect"
    case 308: "Permanent Redirect"
    case 400: "Bad Request"
    case 401: "Unauthorized"
    case 403: "Forbidden"
    case 404: "Not Found"
    case 429: "Too Many Requests"
    case 500: "Internal Server Error"
    case 502: "Bad Gateway"
    case 503: "Service Unavailable"
    default: "Status"
    }
}
