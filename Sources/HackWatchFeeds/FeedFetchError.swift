import HackWatchHTTP
/// Why one poll of a feed failed. Descriptions are safe to log and show in `status`: URLs are
/// redacted by `HTTPError`, and neither request headers (which may carry API keys) nor the
/// response body ever appear in them.
package enum FeedFetchError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The transfer failed: timeout, connect, TLS, a body over the feed's `max_bytes`, too many
    /// redirects, or a `file://` path that cannot be read.
    case http(HTTPError)
    /// The server answered with a status that is neither 2xx nor 304.
    case status(Int)
    /// The request could not be built: a `headers_file`/`headers_env` or `body_file` that cannot
    /// be read or is malformed (the message names the file or variable, never a value).
    case request(String)
    /// The body arrived but is not a usable feed of the configured format.
    case parse(FeedError)

    package var description: String {
        switch self {
        case .http(let error): error.description
        case .status(let code): "HTTP status \(code)"
        case .parse(let error): "cannot parse feed: \(error.description)"
        case .request(let detail): "cannot build the request: \(detail)"
        }
    }

    /// True when polling again later may succeed without anyone changing anything: timeouts,
    /// connection failures, 408, 429 and 5xx. The daemon backs off either way; this only tells
    /// the log whether the failure looks permanent (wrong URL, wrong format, feed too large).
    package var isTransient: Bool {
        switch self {
        case .http(let error): error.isTransient
        case .status(let code): code == 408 || code == 429 || code >= 500
        case .parse, .request: false
        }
    }
}
