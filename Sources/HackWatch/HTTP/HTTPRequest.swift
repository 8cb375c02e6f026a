import Foundation

/// An HTTP request for `HTTPClient`.
public struct HTTPRequest: Sendable {
    /// HTTP methods hackwatch uses.
    public enum Method: String, Sendable { case get = "GET", post = "POST", head = "HEAD" }

    /// `http(s)://` or `file://` URL. May hold secrets (webhook tokens): never log it, use `redactedURL`.
    public var url: String
    public var method: Method
    /// Request headers in order; names are case-insensitive.
    public var headers: [(name: String, value: String)]
    /// Request body (POST).
    public var body: [UInt8]?
    /// Time allowed for the TCP/TLS connect. `timeout` bounds the connect too (libcurl stops at
    /// whichever comes first, and `HTTPError.timeout` names that one), so a short `timeout` needs
    /// no matching `connectTimeout`.
    public var connectTimeout: TimeSpan
    /// Time allowed for the whole exchange.
    public var timeout: TimeSpan
    /// The largest response body accepted; larger ones abort with `HTTPError.tooLarge`.
    public var maxBodyBytes: Int
    /// Redirects followed at most (0: none).
    public var maxRedirects: Int
    /// A PEM bundle of CA certificates to trust instead of the system's.
    public var caFile: String?

    /// Creates a request with hackwatch's defaults: 10 s connect, 30 s total, 10 MiB body, 5 redirects.
    public init(url: String, method: Method = .get, headers: [(name: String, value: String)] = [],
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
    public mutating func addValidators(_ validators: HTTPValidators?) {
        guard let validators else { return }
        if let etag = validators.etag { headers.append(("If-None-Match", etag)) }
        if let lastModified = validators.lastModified { headers.append(("If-Modified-Since", lastModified)) }
    }

    /// The URL with path and query hidden, safe for logs and errors.
    public var redactedURL: String { URLRedaction.redact(url) }

    /// Whether `name` is an RFC 9110 token, as a header name must be: ASCII letters, digits and
    /// ``!#$%&'*+-.^_`|~``, at least one. The config checks feed headers with it at load, the
    /// client every request before sending.
    public static func isToken(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9": true
            default: tokenPunctuation.contains(scalar)
            }
        }
    }

    private static let tokenPunctuation = Set("!#$%&'*+-.^_`|~".unicodeScalars)
}

/// Cache validators of a response, kept per feed for conditional GET.
public struct HTTPValidators: Hashable, Sendable, Codable {
    public var etag: String?
    public var lastModified: String?
    public init(etag: String? = nil, lastModified: String? = nil) {
        self.etag = etag
        self.lastModified = lastModified
    }
    public var isEmpty: Bool { etag == nil && lastModified == nil }
}

/// Hides the secret parts of URLs (webhook tokens live in paths and queries).
public enum URLRedaction {
    /// `https://hooks.slack.com/services/T0/B0/XXX?x=1` → `https://hooks.slack.com/…`.
    /// Userinfo is dropped too. `file://` URLs keep their path (they hold no secrets).
    public static func redact(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return "<url>" }
        let scheme = url[..<schemeEnd.lowerBound]
        if scheme.lowercased() == "file" { return url }
        let rest = url[schemeEnd.upperBound...]
        var authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        let hidden = rest.count > authority.count ? "/…" : ""
        return "\(scheme)://\(authority)\(hidden)"
    }

    /// `text` with every `scheme://...` run (up to whitespace or a quote) redacted.
    public static func redactURLs(in text: String) -> String {
        guard text.contains("://") else { return text }
        var result = ""
        var rest = Substring(text)
        while let marker = rest.range(of: "://") {
            // Walk back over the scheme's characters.
            var start = marker.lowerBound
            while start > rest.startIndex {
                let previous = rest.index(before: start)
                let c = rest[previous]
                guard c.isASCII && (c.isLetter || c.isNumber || c == "+" || c == "-" || c == ".") else { break }
                start = previous
            }
            let end = rest[marker.upperBound...].firstIndex { $0.isWhitespace || $0 == "'" || $0 == "\"" || $0 == ">" } ?? rest.endIndex
            result += rest[..<start]
            result += start == marker.lowerBound ? String(rest[start..<end]) : redact(String(rest[start..<end]))
            rest = rest[end...]
        }
        return result + rest
    }
}
