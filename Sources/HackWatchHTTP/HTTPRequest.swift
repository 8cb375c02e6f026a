import Foundation
import HackWatchModel

/// An HTTP request for `HTTPClient`.
package struct HTTPRequest: Sendable {
    /// HTTP methods hackwatch uses.
    package enum Method: String, Sendable { case get = "GET", post = "POST", head = "HEAD", patch = "PATCH" }

    /// `http(s)://` or `file://` URL. May hold secrets (webhook tokens): never log it, use `redactedURL`.
    package var url: String
    package var method: Method
    /// Request headers in order; names are case-insensitive.
    package var headers: [(name: String, value: String)]
    /// Request body (POST).
    package var body: [UInt8]?
    /// Time allowed for the TCP/TLS connect. `timeout` bounds the connect too (libcurl stops at
    /// whichever comes first, and `HTTPError.timeout` names that one), so a short `timeout` needs
    /// no matching `connectTimeout`.
    package var connectTimeout: TimeSpan
    /// Time allowed for the whole exchange.
    package var timeout: TimeSpan
    /// The largest response body accepted; larger ones abort with `HTTPError.tooLarge`.
    package var maxBodyBytes: Int
    /// Redirects followed at most (0: none).
    package var maxRedirects: Int
    /// A PEM bundle of CA certificates to trust instead of the system's.
    package var caFile: String?

    /// Creates a request with hackwatch's defaults: 10 s connect, 30 s total, 10 MiB body, 5 redirects.
    package init(url: String, method: Method = .get, headers: [(name: String, value: String)] = [],
                body: [UInt8]? = nil, connectTimeout: TimeSpan = TimeSpan(seconds: 10),
                timeout: TimeSpan = TimeSpan(seconds: 30), maxBodyBytes: Int = 10 << 20,
                maxRedirects: Int = 5, caFile: String? = nil) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.maxBodyBytes = maxBodyBytes
        self.maxRedirects = maxRedirects
        self.caFile = caFile
    }

    /// Adds `If-None-Match` / `If-Modified-Since` from a previous response's validators.
    package mutating func addValidators(_ validators: HTTPValidators?) {
        guard let validators else { return }
        if let etag = validators.etag { headers.append(("If-None-Match", etag)) }
        if let lastModified = validators.lastModified { headers.append(("If-Modified-Since", lastModified)) }
    }

    /// The URL with path and query hidden, safe for logs and errors.
    package var redactedURL: String { URLRedaction.redact(url) }
}
